namespace Lumenfall.Sdk;

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

    /// <summary>Gets the HTTP response the estimate was read from (status, key-free headers, request ids); not part of equality.</summary>
    public ResponseInfo? Response { get; init; }

    /// <summary>Two estimates are equal when they say the same thing, whichever responses carried them.</summary>
    /// <param name="other">The other estimate.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(CostEstimate? other) =>
        other is not null && Model == other.Model && Provider == other.Provider && TotalCostMicros == other.TotalCostMicros
        && Currency == other.Currency && Components.SequenceEqual(other.Components);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Model, Provider, TotalCostMicros, Currency, Components.Count);
}
