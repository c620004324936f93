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

/// <summary>What a request would cost, from the gateway's dry run (<c>?dryRun=true</c>); nothing is generated or billed.</summary>
/// <param name="Model">The model the estimate is for.</param>
/// <param name="Provider">The provider the gateway would route to.</param>
/// <param name="TotalCostMicros">The total in millionths of <paramref name="Currency"/>.</param>
/// <param name="Currency">The currency, for example <c>USD</c>.</param>
/// <param name="Components">How the total is made up.</param>
public sealed record CostEstimate(string? Model, string? Provider, long TotalCostMicros, string? Currency, IReadOnlyList<CostComponent> Components)
{
    /// <summary>Gets the total in <see cref="Currency"/>.</summary>
    public decimal TotalCost => TotalCostMicros / 1_000_000m;
}

/// <summary>One part of a <see cref="CostEstimate"/>, with the numbers as the service reports them.</summary>
/// <param name="Type">What is charged, for example <c>image</c>.</param>
/// <param name="Metric">The unit, for example <c>megapixel</c> or <c>output_tokens</c>.</param>
/// <param name="Quantity">How many units the request uses.</param>
/// <param name="BillableQuantity">How many units are billed.</param>
/// <param name="UnitPrice">The price of one unit.</param>
/// <param name="TotalCost">The component's cost.</param>
public sealed record CostComponent(string? Type, string? Metric, decimal? Quantity, decimal? BillableQuantity, decimal? UnitPrice, decimal? TotalCost);
