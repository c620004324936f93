using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk.Serialization;

/// <summary>
/// Decodes a base64 JSON string straight from the reader's UTF-8 bytes into a byte array: no intermediate
/// .NET string is created for the (often multi-megabyte) image. An empty string reads as null.
/// </summary>
internal sealed class Base64BytesJsonConverter : JsonConverter<byte[]?>
{
    public override bool HandleNull => true;

    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("Expected a base64 string.");
        }

        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return Decode(reader.ValueSpan);
        }

        // Escaped ("\/") or split across buffer segments: unescape into a pooled buffer first.
        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int written = reader.CopyString(rented);
            return Decode(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override void Write(Utf8JsonWriter writer, byte[]? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteBase64StringValue(value);
        }
    }

    private static byte[]? Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return null;
        }

        // Exact size for padded input, so the common case allocates the image once.
        int padding = utf8.Length % 4 == 0 ? (utf8[^1] == '=' ? 1 : 0) + (utf8.Length > 1 && utf8[^2] == '=' ? 1 : 0) : 0;
        int size = utf8.Length % 4 == 0 ? (utf8.Length / 4 * 3) - padding : Base64.GetMaxDecodedFromUtf8Length(utf8.Length);
        byte[] bytes = new byte[size];
        System.Buffers.OperationStatus status = Base64.DecodeFromUtf8(utf8, bytes, out _, out int written);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw new JsonException($"The image is not valid base64 ({status}).");
        }

        return written == bytes.Length ? bytes : bytes[..written];
    }
}
