using System.Text.Json.Serialization;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk;

/// <summary>How a generated image is returned (<c>response_format</c>): as a hosted URL or as base64 in the body.</summary>
[JsonConverter(typeof(StringValueJsonConverter<ResponseFormat>))]
public readonly record struct ResponseFormat : IStringValue<ResponseFormat>
{
    /// <summary>Creates a response format from its wire value.</summary>
    /// <param name="value">The wire value, for example <c>url</c>.</param>
    public ResponseFormat(string value) => _value = value;

    /// <summary>A hosted, short-lived URL (<c>url</c>).</summary>
    public static ResponseFormat Url { get; } = new("url");

    /// <summary>Base64 image bytes in the response body (<c>b64_json</c>).</summary>
    public static ResponseFormat Base64Json { get; } = new("b64_json");

    private readonly string? _value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    static ResponseFormat IStringValue<ResponseFormat>.Create(string value) => new(value);

    /// <summary>Converts a wire value to a <see cref="ResponseFormat"/>.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator ResponseFormat(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
