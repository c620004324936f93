using System.Text.RegularExpressions;
using Lumenfall.Sdk.Tests.Contracts;
using Newtonsoft.Json.Linq;

namespace Lumenfall.Sdk.IntegrationTests.Contracts;

/// <summary>A successful emulator reply (one JSON document; a status stream gives one per event) and the published schema for its route.</summary>
public sealed record ReplyDocument(string Route, string Schema, JToken Json);

/// <summary>
/// Which published schema each emulator route answers with, read from the provider documents: the Lumenfall image routes
/// with OpenAI's ImagesResponse; fal's submit and status (and each status-stream event) with QueueStatus, its result
/// and sync run with OmnigenV1Output, its cancel with the cancel reply of fal-omnigen-v1.json. Only 2xx replies are
/// judged: the documents publish no schema for error bodies. Routes without a published schema (OmniRouters, whose
/// document declares an empty 200 schema; models; storage) are not listed.
/// </summary>
internal static partial class EmulatorReplies
{
    public const string ImagesResponse = "OpenAI ImagesResponse";
    public const string QueueStatus = "fal QueueStatus";
    public const string OmnigenV1Output = "fal OmnigenV1Output";
    public const string CancelResponse = "fal cancel response";

    public static IEnumerable<ReplyDocument> Documents(IEnumerable<RecordedResponse> responses)
    {
        foreach (RecordedResponse response in responses.Where(r => (int)r.Status is >= 200 and < 300))
        {
            string? schema = SchemaFor(response);
            if (schema is null)
            {
                continue;
            }

            string route = response.ToString();
            if (response.MediaType == "text/event-stream")
            {
                foreach (string data in response.Body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)))
                {
                    yield return new ReplyDocument(route + " (event)", schema, ContractAssertions.ParseJson(data["data:".Length..].Trim()));
                }
            }
            else
            {
                yield return new ReplyDocument(route, schema, ContractAssertions.ParseJson(response.Body));
            }
        }
    }

    public static Task<SchemaContract> Contract(string schema) => schema switch
    {
        ImagesResponse => PublishedSchemas.OpenAiImagesResponse,
        QueueStatus => PublishedSchemas.FalQueueStatus,
        OmnigenV1Output => PublishedSchemas.FalOmnigenV1Output,
        CancelResponse => PublishedSchemas.FalCancelResponse,
        _ => throw new ArgumentOutOfRangeException(nameof(schema), schema, "no such contract"),
    };

    private static string? SchemaFor(RecordedResponse response) => (response.Method.Method, response.Path) switch
    {
        ("POST", var p) when LumenfallImages().IsMatch(p) => ImagesResponse,
        ("POST", var p) when p.StartsWith("/fal-queue/", StringComparison.Ordinal) => QueueStatus,
        ("POST", var p) when p.StartsWith("/fal-run/", StringComparison.Ordinal) => OmnigenV1Output,
        ("GET", var p) when FalStatus().IsMatch(p) => QueueStatus,
        ("GET", var p) when FalResult().IsMatch(p) => OmnigenV1Output,
        ("PUT", var p) when FalCancel().IsMatch(p) => CancelResponse,
        _ => null,
    };

    [GeneratedRegex("^/lumenfall/openai/v1/images/(generations|edits)$")]
    private static partial Regex LumenfallImages();

    [GeneratedRegex("^/fal-queue/[^/]+/[^/]+/requests/[^/]+/status(/stream)?$")]
    private static partial Regex FalStatus();

    [GeneratedRegex("^/fal-queue/[^/]+/[^/]+/requests/[^/]+$")]
    private static partial Regex FalResult();

    [GeneratedRegex("^/fal-queue/[^/]+/[^/]+/requests/[^/]+/cancel$")]
    private static partial Regex FalCancel();
}
