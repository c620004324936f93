using System.Text.Json.Serialization;

namespace Lumenfall.Sdk.Serialization;

/// <summary>
/// The SDK's source-generated JSON contracts (no reflection, AOT and trim safe). The request records are
/// registered in the generated half of this class (<c>Models/Generated/SdkJsonContext.g.cs</c>).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict)]
internal sealed partial class SdkJsonContext : JsonSerializerContext
{
}
