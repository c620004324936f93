using System.Text.Json.Serialization;
using Lumenfall.Sdk.Transports.Fal;
using Lumenfall.Sdk.Transports.Lumenfall;
using Lumenfall.Sdk.Transports.OmniRouters;

namespace Lumenfall.Sdk.Serialization;

/// <summary>
/// Source-generated JSON contracts of the services' wire shapes (no reflection; AOT and trim safe). Every wire
/// string is read through <see cref="LossyStringConverter"/>, so bad UTF-8 or a lone surrogate never fails a
/// response. The request records have their own generated context, <c>RequestJsonContext</c>
/// (<c>Models/Generated/RequestJsonContext.g.cs</c>); the images reply, read on every call, is read by hand
/// (<see cref="WireJson"/>) so that a fresh process does not build its contract before the first result.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict,
    Converters = [typeof(LossyStringConverter)])]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(OperationState))]
[JsonSerializable(typeof(FalQueueStatus))]
[JsonSerializable(typeof(FalOutput))]
[JsonSerializable(typeof(FalCancelResponse))]
[JsonSerializable(typeof(FalUploadInitiateRequest))]
[JsonSerializable(typeof(FalUploadInitiateResponse))]
[JsonSerializable(typeof(LumenfallModelList))]
[JsonSerializable(typeof(LumenfallModelData))]
[JsonSerializable(typeof(LumenfallCostEstimate))]
internal sealed partial class SdkJsonContext : JsonSerializerContext
{
}
