using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>A request for a model on the Lumenfall gateway.</summary>
public abstract record LumenfallImageRequest : ImageRequest
{
    private protected LumenfallImageRequest()
    {
    }

    /// <inheritdoc />
    [JsonIgnore]
    public sealed override ImageService Service => ImageService.Lumenfall;

    /// <summary>
    /// Gets or sets a provider to force instead of letting Lumenfall route, for example <c>fal</c> or
    /// <c>replicate</c> (see <see cref="ModelDescriptor.Providers"/>): the request is sent as model
    /// <c>fal/omnigen-v2</c>. Null lets the gateway choose.
    /// </summary>
    [JsonIgnore]
    public string? Provider { get; set; }

    /// <summary>Gets the <c>model</c> value sent on the wire: the model id, prefixed with <see cref="Provider"/> when set.</summary>
    [JsonIgnore]
    public string WireModel => string.IsNullOrEmpty(Provider) ? ModelId : $"{Provider}/{ModelId}";

    /// <inheritdoc />
    private protected override IReadOnlyList<string> ReservedWireNames => ["model"];

    /// <summary>The gateway's multipart edit (OpenAI's protocol) carries images as <c>image</c> or <c>image[]</c> parts and the mask as <c>mask</c>.</summary>
    private protected override IReadOnlyList<string> ProtocolFileFields => Mode == ImageMode.Edit ? ["image", "image[]", "mask"] : [];

    /// <inheritdoc />
    private protected override void ValidateCommon(RequestValidator validator)
    {
        if (Provider is not null && (Provider.Length == 0 || Provider.Any(c => c == '/' || char.IsWhiteSpace(c))))
        {
            validator.Add("model", "provider-format", $"the forced provider must be a single name such as fal or replicate (was '{Provider}')");
        }
    }
}
