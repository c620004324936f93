using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>Writes an <see cref="ImageSize"/> as its string; reads a string or a <c>{width,height}</c> object.</summary>
internal sealed class ImageSizeJsonConverter : JsonConverter<ImageSize>
{
    /// <inheritdoc />
    public override ImageSize Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new ImageSize(reader.GetString() ?? string.Empty);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a string or an object for an image size, found {reader.TokenType}.");
        }

        int width = 0, height = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string? name = reader.GetString();
            reader.Read();
            if (name == "width" && reader.TokenType == JsonTokenType.Number)
            {
                width = reader.GetInt32();
            }
            else if (name == "height" && reader.TokenType == JsonTokenType.Number)
            {
                height = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        return new ImageSize(width, height);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ImageSize value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
