using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>A request for a model on OmniRouters.</summary>
public abstract record OmniRoutersImageRequest : ImageRequest
{
    private protected OmniRoutersImageRequest()
    {
    }

    /// <inheritdoc />
    [JsonIgnore]
    public sealed override ImageService Service => ImageService.OmniRouters;
}
