namespace Lumenfall.Sdk;

/// <summary>One part of a <see cref="CostEstimate"/>, with the numbers as the service reports them.</summary>
/// <param name="Type">What is charged, for example <c>image</c>.</param>
/// <param name="Metric">The unit, for example <c>megapixel</c> or <c>output_tokens</c>.</param>
/// <param name="Quantity">How many units the request uses.</param>
/// <param name="BillableQuantity">How many units are billed.</param>
/// <param name="UnitPrice">The price of one unit.</param>
/// <param name="TotalCost">The component's cost.</param>
public sealed record CostComponent(string? Type, string? Metric, decimal? Quantity, decimal? BillableQuantity, decimal? UnitPrice, decimal? TotalCost);
