using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>Writes a URL <see cref="ImageInput"/> as its string. Local inputs must be resolved to URLs by the transport first.</summary>
internal sealed class ImageInputJsonConverter : JsonConverter<ImageInput>
{
    /// <inheritdoc />
    public override ImageInput? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? ImageInput.FromUrl(reader.GetString()!) : throw new JsonException("Expected an image URL string.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ImageInput value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(UrlOf(value));
    }

    /// <summary>The URL an input is written as; a local input must have been resolved to a URL by the transport first.</summary>
    internal static string UrlOf(ImageInput value) =>
        value.Url ?? throw new InvalidOperationException($"A {value.Kind} image input must be turned into a URL before it can be written as JSON.");
}
