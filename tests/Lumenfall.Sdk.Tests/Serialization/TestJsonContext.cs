using System.Text.Json.Serialization;

namespace Lumenfall.Sdk.Tests.Serialization;

[JsonSerializable(typeof(OutputFormat))]
[JsonSerializable(typeof(OmniImageModel))]
[JsonSerializable(typeof(ImageSize))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
