using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// The providers' published JSON schemas, from the copies in <c>Contracts/Schemas</c> (Contracts/Schemas/README.md says
/// where each came from). Each is loaded once; <c>$ref</c>s resolve against the document the schema came from.
/// </summary>
internal static partial class PublishedSchemas
{
    private const string OpenAiFile = "openai-images.json";
    private const string FalFile = "fal-omnigen-v1.json";

    private static readonly ConcurrentDictionary<string, Lazy<Task<SchemaContract>>> Loaded = new();

    /// <summary>OpenAI's <c>CreateImageRequest</c>: the JSON body of <c>POST /images/generations</c>.</summary>
    public static Task<SchemaContract> OpenAiCreateImageRequest => OpenAi("CreateImageRequest");

    /// <summary>OpenAI's <c>CreateImageEditRequest</c>: the multipart body of <c>POST /images/edits</c>.</summary>
    public static Task<SchemaContract> OpenAiCreateImageEditRequest => OpenAi("CreateImageEditRequest");

    /// <summary>OpenAI's <c>ImagesResponse</c>: the reply of both image routes.</summary>
    public static Task<SchemaContract> OpenAiImagesResponse => OpenAi("ImagesResponse");

    /// <summary>fal's <c>OmnigenV1Input</c>: the body of a fal-ai/omnigen-v1 request (queue or sync).</summary>
    public static Task<SchemaContract> FalOmnigenV1Input => Fal("OmnigenV1Input");

    /// <summary>fal's <c>OmnigenV1Output</c>: the result of a fal-ai/omnigen-v1 request.</summary>
    public static Task<SchemaContract> FalOmnigenV1Output => Fal("OmnigenV1Output");

    /// <summary>fal's <c>QueueStatus</c>: the reply of a queue submit and of each status request.</summary>
    public static Task<SchemaContract> FalQueueStatus => Fal("QueueStatus");

    /// <summary>The reply fal's document gives for <c>PUT .../requests/{request_id}/cancel</c> (an inline schema, not a component).</summary>
    public static Task<SchemaContract> FalCancelResponse => Load(
        "fal cancel response",
        FalFile,
        "/paths/~1fal-ai~1omnigen-v1~1requests~1{request_id}~1cancel/put/responses/200/content/application~1json/schema");

    /// <summary>The path of a schema copy in the test output.</summary>
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "Contracts", "Schemas", fileName);

    private static Task<SchemaContract> OpenAi(string component) => Load("OpenAI " + component, OpenAiFile, "/components/schemas/" + component);

    private static Task<SchemaContract> Fal(string component) => Load("fal " + component, FalFile, "/components/schemas/" + component);

    /// <summary>
    /// Loads the schema at a JSON pointer of a document. Its <c>$ref</c>s (<c>#/components/schemas/...</c>) point into
    /// that document and are inlined (the image schemas have no cycles): NJsonSchema 10.7.2 resolves a reference found
    /// inside a referenced component against that component, not the document, and fails on it.
    /// </summary>
    private static Task<SchemaContract> Load(string name, string fileName, string pointer) =>
        Loaded.GetOrAdd(name, _ => new Lazy<Task<SchemaContract>>(async () =>
        {
            JObject document = JObject.Parse(await File.ReadAllTextAsync(PathOf(fileName)));
            var schema = (JObject)Inline(Resolve(document, pointer).DeepClone(), document, depth: 0);
            return new SchemaContract(name, await JsonSchema.FromJsonAsync(schema.ToString()));
        })).Value;

    private static JToken Inline(JToken node, JToken document, int depth)
    {
        if (depth > 32)
        {
            throw new InvalidOperationException("The schema references nest deeper than 32: a cycle?");
        }

        if (node is JObject { Count: 1 } reference && reference["$ref"] is JValue { Value: string target } && target.StartsWith('#'))
        {
            return Inline(Resolve(document, target[1..]).DeepClone(), document, depth + 1);
        }

        foreach (JToken child in node.Children().ToList())
        {
            JToken value = child is JProperty property ? property.Value : child;
            JToken inlined = Inline(value, document, depth + 1);
            if (!ReferenceEquals(inlined, value))
            {
                value.Replace(inlined);
            }
        }

        return node;
    }

    private static JToken Resolve(JToken document, string pointer)
    {
        JToken node = document;
        foreach (string segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string key = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node[key] ?? throw new InvalidOperationException($"The schema document has nothing at {pointer} (missing '{key}').");
        }

        return node;
    }
}
