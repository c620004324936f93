using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>
/// fal's <c>image_size</c> spelling: pixels as <c>{"width":W,"height":H}</c>, presets as their name.
/// Applied by the generated fal request records to their <c>image_size</c> property.
/// </summary>
internal sealed class FalImageSizeJsonConverter : JsonConverter<ImageSize>
{
    private static readonly ImageSizeJsonConverter Reader = new();

    /// <inheritdoc />
    public override ImageSize Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Reader.Read(ref reader, typeToConvert, options);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ImageSize value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteValue(writer, value);
    }

    /// <summary>Writes <paramref name="value"/> in fal's spelling (the generated records' JSON writers call this).</summary>
    internal static void WriteValue(Utf8JsonWriter writer, ImageSize value)
    {
        if (value is { Width: int width, Height: int height })
        {
            writer.WriteStartObject();
            writer.WriteNumber("width"u8, width);
            writer.WriteNumber("height"u8, height);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStringValue(value.Value);
        }
    }
}
