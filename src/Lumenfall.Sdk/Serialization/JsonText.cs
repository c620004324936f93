using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lumenfall.Sdk.Serialization;

/// <summary>
/// Reads JSON strings a server sent without ever throwing on bad text: invalid UTF-8 and lone surrogates
/// (<c>"\ud83d"</c>) become U+FFFD, the rest of the text is kept.
/// </summary>
internal static class JsonText
{
    private const char Replacement = '\uFFFD';

    /// <summary>The string at the reader (which must be on a string token), with bad text replaced.</summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            byte[] raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
            return FromRaw(raw, reader.ValueIsEscaped);
        }
    }

    /// <summary>The string value of <paramref name="element"/> (a string element), with bad text replaced.</summary>
    public static string Read(JsonElement element)
    {
        try
        {
            return element.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return FromRawElement(element);
        }
    }

    /// <summary>The string of a string property, or null when it is missing, empty or not a string.</summary>
    public static string? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            && Read(value) is { Length: > 0 } text
            ? text
            : null;

    /// <summary>Decodes bytes as UTF-8, invalid sequences replaced (never throws).</summary>
    public static string Decode(ReadOnlySpan<byte> utf8) => ReplaceLoneSurrogates(Encoding.UTF8.GetString(utf8));

    private static string FromRawElement(JsonElement element)
    {
        string quoted;
        try
        {
            quoted = element.GetRawText();   // fine for escaped lone surrogates; throws on invalid UTF-8
        }
        catch (InvalidOperationException)
        {
#if NET9_0_OR_GREATER
            return FromRaw(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).ToArray()[1..^1], escaped: true);
#else
            return Replacement.ToString();
#endif
        }

        return Unescape(quoted.Length >= 2 ? quoted[1..^1] : quoted);
    }

    private static string FromRaw(byte[] raw, bool escaped)
    {
        string text = Encoding.UTF8.GetString(raw);   // invalid UTF-8 becomes U+FFFD
        return escaped ? Unescape(text) : ReplaceLoneSurrogates(text);
    }

    /// <summary>Resolves JSON escapes; a <c>\u</c> escape that leaves a lone surrogate becomes U+FFFD.</summary>
    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                builder.Append(c);
                continue;
            }

            char next = text[++i];
            switch (next)
            {
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u' when i + 4 < text.Length
                    && ushort.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code):
                    builder.Append((char)code);
                    i += 4;
                    break;
                default: builder.Append(next); break;
            }
        }

        return ReplaceLoneSurrogates(builder.ToString());
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        char[]? copy = null;
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;   // a valid pair
            }
            else if (char.IsSurrogate(text[i]))
            {
                copy ??= text.ToCharArray();
                copy[i] = Replacement;
            }
        }

        return copy is null ? text : new string(copy);
    }
}

/// <summary>Reads every wire string through <see cref="JsonText"/>, so bad text from a server never fails a response.</summary>
internal sealed class LossyStringConverter : System.Text.Json.Serialization.JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => JsonText.Read(ref reader),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => JsonText.Read(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}
