using System.Globalization;
using System.Text;
using Lumenfall.Sdk.Tests.TestSupport;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// Sends a request through <see cref="ImageClient"/> over MockHttp (<see cref="ServiceHarness"/>) and returns exactly
/// what left the SDK: the request a service would have received, turned into the JSON a schema can check.
/// </summary>
internal static class WireCapture
{
    private const string FalQueue = "https://queue.fal.run/fal-ai/omnigen-v1";
    private const string OmniRoutersGenerations = "https://omnirouters.com/v1/images/generations";
    private const string LumenfallReply = """{ "created": 1702345678, "data": [ { "url": "https://media.lumenfall.ai/contract.png" } ] }""";
    private const string FalSubmitted = """{ "status": "IN_QUEUE", "request_id": "contract-1", "queue_position": 0 }""";
    private static readonly string OmniRoutersReply = $$"""{ "created": 1750667997, "data": [ { "b64_json": "{{TestImages.PngBase64}}" } ] }""";

    /// <summary>Sends <paramref name="request"/> the way the SDK does by default (Lumenfall and OmniRouters: one call; fal: a queue submit).</summary>
    public static async Task<CapturedRequest> SendAsync(ImageRequest request)
    {
        var harness = new ServiceHarness();
        switch (request.Service)
        {
            case ImageService.Lumenfall:
                string route = request.Mode == ImageMode.Edit ? "/images/edits" : "/images/generations";
                harness.Respond(HttpMethod.Post, ServiceHarness.LumenfallBase + route, LumenfallReply);
                await harness.Client.GenerateAsync(request);
                break;
            case ImageService.Fal:
                harness.Respond(HttpMethod.Post, FalQueue, FalSubmitted);
                await harness.Client.StartAsync(request);
                break;
            case ImageService.OmniRouters:
                harness.Respond(HttpMethod.Post, OmniRoutersGenerations, OmniRoutersReply);
                await harness.Client.GenerateAsync(request);
                break;
            default:
                throw new InvalidOperationException($"No route for {request.Service}.");
        }

        return harness.Requests.Should().ContainSingle("one request carries the body").Subject;
    }

    /// <summary>The JSON body as sent.</summary>
    public static JObject JsonBody(CapturedRequest sent)
    {
        sent.ContentType.Should().StartWith("application/json");
        return (JObject)ContractAssertions.ParseJson(Encoding.UTF8.GetString(sent.Body));
    }

    /// <summary>
    /// A multipart body as the JSON object its schema describes. Form fields travel as text, so each is read as the type
    /// <paramref name="contract"/> gives that property (integer, number or boolean when the text is one; otherwise the
    /// text itself, which the validator then judges). File parts become their file names: one <c>image</c> part a string,
    /// repeated <c>image[]</c> parts (OpenAI's multipart spelling of an array) an array under <c>image</c>. Only the file
    /// parts' presence and count are checked this way; their bytes are outside any schema.
    /// </summary>
    public static JObject FormAsJson(CapturedRequest sent, SchemaContract contract)
    {
        sent.ContentType.Should().StartWith("multipart/form-data");
        var json = new JObject();
        foreach (FormPart field in sent.Parts.Where(p => p.FileName is null))
        {
            json.Add(field.Name, Typed(Encoding.UTF8.GetString(field.Content), contract.PropertyTypes(field.Name)));
        }

        foreach (IGrouping<string, FormPart> files in sent.Parts.Where(p => p.FileName is not null).GroupBy(p => p.Name))
        {
            string name = files.Key.EndsWith("[]", StringComparison.Ordinal) ? files.Key[..^2] : files.Key;
            json.Add(name, files.Key.EndsWith("[]", StringComparison.Ordinal) || files.Count() > 1
                ? new JArray(files.Select(f => f.FileName))
                : new JValue(files.Single().FileName));
        }

        return json;
    }

    /// <summary>
    /// The body reduced to the properties <paramref name="contract"/> defines. Lumenfall is OpenAI-compatible but adds
    /// parameters OpenAI does not have (aspect_ratio, resolution, seed, provider options...); OpenAI's schemas say nothing
    /// about those, so they are left out rather than judged, and every property OpenAI does define is checked in full.
    /// </summary>
    public static JObject ProjectOnto(JObject body, SchemaContract contract) =>
        new(body.Properties().Where(p => contract.PropertyNames.Contains(p.Name)).Select(p => new JProperty(p.Name, p.Value.DeepClone())));

    private static JValue Typed(string text, JsonObjectType types)
    {
        if (types.HasFlag(JsonObjectType.Integer) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            return new JValue(integer);
        }

        if (types.HasFlag(JsonObjectType.Number) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return new JValue(number);
        }

        if (types.HasFlag(JsonObjectType.Boolean) && text is "true" or "false")
        {
            return new JValue(text == "true");
        }

        return new JValue(text);
    }
}
