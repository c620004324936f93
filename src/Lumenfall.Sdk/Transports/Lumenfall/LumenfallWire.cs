using System.Text.Json;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Lumenfall;

// Wire shapes of the Lumenfall gateway (OpenAI-compatible). Every field is optional: unknown fields are ignored,
// missing ones stay null, and empty strings are treated as absent when mapped to results.

/// <summary>The gateway's images reply, read by hand (<see cref="Read"/>): it is read on every call, first call included.</summary>
internal sealed class LumenfallImagesResponse : WireImagesReply
{
    public string? Size { get; set; }

    public string? OutputFormat { get; set; }

    public LumenfallMetadata? Metadata { get; set; }

    public string? ErrorCode { get; set; }

    /// <summary>Reads the reply at the reader (the rules of <see cref="WireJson"/>); null for a JSON null.</summary>
    public static LumenfallImagesResponse? Read(ref Utf8JsonReader reader) => WireJson.ReadObject(ref reader, static () => new LumenfallImagesResponse(), static (ref Utf8JsonReader r, LumenfallImagesResponse body) =>
    {
        if (ReadShared(ref r, body))
        {
            return true;
        }

        if (r.ValueTextEquals("size"u8))
        {
            body.Size = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("output_format"u8))
        {
            body.OutputFormat = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("metadata"u8))
        {
            body.Metadata = WireJson.Object(ref r, LumenfallMetadata.Read);
        }
        else if (r.ValueTextEquals("error_code"u8))
        {
            body.ErrorCode = WireJson.String(ref r);
        }
        else
        {
            return false;
        }

        return true;
    });
}

internal sealed class LumenfallMetadata
{
    public string? Model { get; set; }

    public string? ExecutedModel { get; set; }

    public string? Provider { get; set; }

    public string? ProviderName { get; set; }

    public decimal? Cost { get; set; }

    public string? CostCurrency { get; set; }

    public static LumenfallMetadata? Read(ref Utf8JsonReader reader) => WireJson.ReadObject(ref reader, static () => new LumenfallMetadata(), static (ref Utf8JsonReader r, LumenfallMetadata metadata) =>
    {
        if (r.ValueTextEquals("model"u8))
        {
            metadata.Model = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("executed_model"u8))
        {
            metadata.ExecutedModel = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("provider"u8))
        {
            metadata.Provider = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("provider_name"u8))
        {
            metadata.ProviderName = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("cost"u8))
        {
            metadata.Cost = WireJson.Decimal(ref r, quoted: true);
        }
        else if (r.ValueTextEquals("cost_currency"u8))
        {
            metadata.CostCurrency = WireJson.String(ref r);
        }
        else
        {
            return false;
        }

        return true;
    });
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
