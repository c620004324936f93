using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumenfall.Sdk.Transports.Lumenfall;

// Wire shapes of the Lumenfall gateway (OpenAI-compatible). Every field is optional: unknown fields are ignored,
// missing ones stay null, and empty strings are treated as absent when mapped to results.

internal sealed class LumenfallImagesResponse
{
    /// <summary>The images <see cref="Http.StreamingImagesReader"/> decoded while reading (items refer to them by <c>b64_json_ref</c>).</summary>
    [JsonIgnore]
    public IReadOnlyList<ReadOnlyMemory<byte>>? Decoded { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("created")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Created { get; set; }

    [JsonPropertyName("size")]
    public string? Size { get; set; }

    [JsonPropertyName("output_format")]
    public string? OutputFormat { get; set; }

    [JsonPropertyName("data")]
    public List<WireImageData>? Data { get; set; }

    [JsonPropertyName("usage")]
    public WireUsage? Usage { get; set; }

    [JsonPropertyName("metadata")]
    public LumenfallMetadata? Metadata { get; set; }

    [JsonPropertyName("error")]
    public JsonElement? Error { get; set; }

    [JsonPropertyName("error_code")]
    public string? ErrorCode { get; set; }
}

internal sealed class LumenfallMetadata
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("executed_model")]
    public string? ExecutedModel { get; set; }

    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [JsonPropertyName("provider_name")]
    public string? ProviderName { get; set; }

    [JsonPropertyName("cost")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? Cost { get; set; }

    [JsonPropertyName("cost_currency")]
    public string? CostCurrency { get; set; }
}

internal sealed class LumenfallModelList
{
    [JsonPropertyName("data")]
    public List<LumenfallModelData>? Data { get; set; }
}

internal sealed class LumenfallModelData
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("created")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Created { get; set; }

    [JsonPropertyName("owned_by")]
    public string? OwnedBy { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class LumenfallCostEstimate
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [JsonPropertyName("total_cost_micros")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? TotalCostMicros { get; set; }

    [JsonPropertyName("currency")]
    public string? Currency { get; set; }

    [JsonPropertyName("components")]
    public List<LumenfallCostComponent>? Components { get; set; }
}

internal sealed class LumenfallCostComponent
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("metric")]
    public string? Metric { get; set; }

    [JsonPropertyName("quantity")]
    public decimal? Quantity { get; set; }

    [JsonPropertyName("billable_quantity")]
    public decimal? BillableQuantity { get; set; }

    [JsonPropertyName("unit_price")]
    public decimal? UnitPrice { get; set; }

    [JsonPropertyName("total_cost")]
    public decimal? TotalCost { get; set; }
}
