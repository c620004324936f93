using NJsonSchema.Yaml;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>The OmniRouters schema, published as YAML and loaded as YAML (NJsonSchema.Yaml); only the unit tests use it.</summary>
internal static partial class PublishedSchemas
{
    private static readonly Lazy<Task<SchemaContract>> OmniRoutersRequest = new(async () => new SchemaContract(
        "OmniRouters POST /v1/images/generations body",
        await JsonSchemaYaml.FromYamlAsync(await File.ReadAllTextAsync(PathOf("omnirouters-images-generations-request.yaml")))));

    /// <summary>The request body schema of OmniRouters' <c>POST /v1/images/generations</c> (its openapi.yaml, fragment).</summary>
    public static Task<SchemaContract> OmniRoutersImagesGenerationsRequest => OmniRoutersRequest.Value;
}
