using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
