using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Lumenfall.Sdk.Serialization;

/// <summary>Reads one value at the reader (positioned on the value's first token); null for a JSON null.</summary>
internal delegate T? WireValueReader<T>(ref Utf8JsonReader reader);

/// <summary>Reads the property whose name the reader is on into <paramref name="target"/>; false for a name it does not know.</summary>
internal delegate bool WirePropertyReader<in T>(ref Utf8JsonReader reader, T target);

/// <summary>
/// Hand-written readers for the wire shapes read on every call (the images reply), over <see cref="Utf8JsonReader"/>
/// with no serializer metadata: building a source-generated contract costs a fresh process hundreds of JIT-compiled
/// methods before its first result (benchmarks/README.md, "The first call"). They keep the contract's rules: property
/// names match exactly (JSON escapes resolved), unknown properties are skipped, the last of a repeated property wins, a
/// JSON null leaves a field null, a value of the wrong kind is a <see cref="JsonException"/>, strings are read through
/// <see cref="JsonText"/> (bad text never fails a reply), and trailing content after the body is an error.
/// </summary>
internal static class WireJson
{
    /// <summary>Reads a whole body with <paramref name="read"/>; a body that is JSON null is a <see cref="JsonException"/>.</summary>
    public static T Read<T>(ReadOnlySpan<byte> json, WireValueReader<T> read)
        where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            T value = read(ref reader) ?? throw new JsonException("The response body is JSON null.");
            if (reader.Read())
            {
                throw new JsonException("The response body has content after its JSON value.");
            }

            return value;
        }
        catch (JsonException e) when (e.GetType() != typeof(JsonException))
        {
            // The reader's own (internal) subtype, for JSON that is not well formed: reported as the serializer reports it.
            throw new JsonException(e.Message, e.Path, e.LineNumber, e.BytePositionInLine, e);
        }
    }

    /// <summary>
    /// Reads the object at the reader into a new <typeparamref name="T"/>, property by property with
    /// <paramref name="property"/> (a property it does not know is skipped): null for a JSON null, a
    /// <see cref="JsonException"/> for any other kind of value.
    /// </summary>
    public static T? ReadObject<T>(ref Utf8JsonReader reader, Func<T> create, WirePropertyReader<T> property)
        where T : class
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Unexpected("an object", ref reader);
        }

        T target = create();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!property(ref reader, target))
            {
                reader.Read();
                reader.Skip();
            }
        }

        return target;
    }

    /// <summary>The property's value as a string (bad text replaced), or null.</summary>
    public static string? String(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => JsonText.Read(ref reader),
            JsonTokenType.Null => null,
            _ => throw Unexpected("a string", ref reader),
        };
    }

    /// <summary>The property's value as a whole number, or null; <paramref name="quoted"/> also accepts one written as a string.</summary>
    public static long? Int64(ref Utf8JsonReader reader, bool quoted = false)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long number))
        {
            return number;
        }

        if (quoted && reader.TokenType == JsonTokenType.String)
        {
            Span<byte> buffer = stackalloc byte[QuotedNumberBytes];
            int length = Unquote(ref reader, buffer);
            ReadOnlySpan<byte> text = buffer[..Math.Max(length, 0)];
            if (length >= 0 && Utf8Parser.TryParse(text, out long parsed, out int used) && used == text.Length)
            {
                return parsed;
            }
        }

        throw Unexpected("a whole number", ref reader);
    }

    /// <summary>The property's value as a 32-bit whole number, or null.</summary>
    public static int? Int32(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.Number when reader.TryGetInt32(out int number) => number,
            _ => throw Unexpected("a 32-bit whole number", ref reader),
        };
    }

    /// <summary>The property's value as a decimal, or null; <paramref name="quoted"/> also accepts one written as a string.</summary>
    public static decimal? Decimal(ref Utf8JsonReader reader, bool quoted = false)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out decimal number))
        {
            return number;
        }

        if (quoted && reader.TokenType == JsonTokenType.String)
        {
            Span<byte> buffer = stackalloc byte[QuotedNumberBytes];
            int length = Unquote(ref reader, buffer);
            ReadOnlySpan<byte> text = buffer[..Math.Max(length, 0)];
            if (length > 0 && Utf8Parser.TryParse(text, out decimal parsed, out int used, text.IndexOfAny((byte)'e', (byte)'E') >= 0 ? 'E' : default)
                && used == text.Length && !text.IsEmpty)
            {
                return parsed;
            }
        }

        throw Unexpected("a number", ref reader);
    }

    /// <summary>The property's value kept as JSON (a copy that outlives the body), or null for a JSON null.</summary>
    public static JsonElement? Element(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
    }

    /// <summary>The property's value as a list read item by item with <paramref name="item"/> (null items kept), or null.</summary>
    public static List<T?>? List<T>(ref Utf8JsonReader reader, WireValueReader<T> item)
        where T : class
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Unexpected("an array", ref reader);
        }

        var list = new List<T?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(item(ref reader));
        }

        return list;
    }

    /// <summary>The property's value read with <paramref name="read"/> (an object reader), or null.</summary>
    public static T? Object<T>(ref Utf8JsonReader reader, WireValueReader<T> read)
        where T : class
    {
        reader.Read();
        return read(ref reader);
    }

    /// <summary>The longest quoted number read (longer ones are not numbers the wire shapes hold).</summary>
    private const int QuotedNumberBytes = 128;

    /// <summary>
    /// Copies a string value into <paramref name="buffer"/> with its JSON escapes resolved (<c>"\u0035"</c> is
    /// <c>5</c>), so it is parsed exactly as unescaped text is, as the serializer does. Returns its length, or -1 when it
    /// is too long for a number or is not valid text.
    /// </summary>
    private static int Unquote(ref Utf8JsonReader reader, scoped Span<byte> buffer)
    {
        if (reader.ValueSpan.Length > buffer.Length)
        {
            return -1;
        }

        if (!reader.ValueIsEscaped)
        {
            reader.ValueSpan.CopyTo(buffer);
            return reader.ValueSpan.Length;
        }

        try
        {
            return reader.CopyString(buffer);
        }
        catch (InvalidOperationException)
        {
            return -1;   // a lone surrogate escape: not a number
        }
    }

    private static JsonException Unexpected(string expected, ref Utf8JsonReader reader) =>
        new($"Expected {expected}, found {reader.TokenType} (at byte {reader.TokenStartIndex}).");
}
