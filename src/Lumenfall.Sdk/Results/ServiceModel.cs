using System.Text.Json;

namespace Lumenfall.Sdk;

/// <summary>A model as the Lumenfall gateway lists it (<c>GET /models</c>). Fields the SDK does not map are kept in <see cref="AdditionalData"/>.</summary>
public sealed class ServiceModel
{
    /// <summary>Creates a model entry.</summary>
    /// <param name="id">The model id, for example <c>gpt-image-2</c>.</param>
    public ServiceModel(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
    }

    /// <summary>Gets the model id.</summary>
    public string Id { get; }

    /// <summary>Gets when the model was added, when the service said.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets the HTTP response this model was read from (for <see cref="ImageClient.GetModelAsync"/>; null in a list).</summary>
    public ResponseInfo? Response { get; init; }

    /// <summary>Gets the owner the service names.</summary>
    public string? OwnedBy { get; init; }

    /// <summary>Gets the display name, when the service sends one.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the description, when the service sends one.</summary>
    public string? Description { get; init; }

    /// <summary>Gets every other field of the entry, as sent (for example <c>aliases</c>, <c>capabilities</c>, <c>tags</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> AdditionalData { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Gets the SDK's catalog entry for this model, when the SDK ships a typed request for it.</summary>
    public ModelDescriptor? Descriptor => ModelCatalog.TryGet(Id, out ModelDescriptor? model) ? model : null;

    /// <inheritdoc />
    public override string ToString() => Name is null ? Id : $"{Name} ({Id})";
}
