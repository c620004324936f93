using System.Globalization;
using System.Text;
using Lumenfall.Sdk.Tests.TestSupport;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>What a case's valid replies need to know: ids, where images live, the key a hostile reply may echo.</summary>
internal sealed record CaseContext(int Seed, FuzzPath Path, string OperationId, bool ImagesAsUrl, int StatusPolls)
{
    public string Key => FuzzKeys.For(Path);

    public string ImageUrl => Path switch
    {
        FuzzPath.FalSync or FuzzPath.FalQueue or FuzzPath.FalStatusStream or FuzzPath.FalCancel or FuzzPath.FalUpload => "https://v3.fal.media/files/fz/out.png",
        FuzzPath.OmniRoutersSync or FuzzPath.OmniRoutersAsync => "https://cdn.omnirouters.com/fz/img-1.png",
        _ => "https://media.lumenfall.ai/fz/img-1.png",
    };
}

/// <summary>The canned, well-formed reply of each step, taken from the services' documented wire formats.</summary>
internal static class ValidReplies
{
    public const string LumenfallBase = "https://api.lumenfall.ai/openai/v1";
    public const string FalRun = "https://fal.run/fal-ai/omnigen-v1";
    public const string QueueApp = "https://queue.fal.run/fal-ai/omnigen-v1";
    public const string UploadInitiate = "https://rest.fal.ai/storage/upload/initiate";
    public const string UploadUrl = "https://storage.fal.example/upload/fz?signature=1";
    public const string FileUrl = "https://v3.fal.media/files/fz/in.png";
    public const string OmniRoutersBase = "https://omnirouters.com/v1";

    public static string Requests(string id) => QueueApp + "/requests/" + id;

    /// <summary>The JSON of a step's valid reply (the terminal one for polled steps).</summary>
    public static string Json(CaseContext context, Step step, bool terminal = true)
    {
        string id = context.OperationId;
        string image = context.ImagesAsUrl
            ? $$"""{ "url": "{{context.ImageUrl}}", "revised_prompt": "a fuzzed prompt, revised" }"""
            : $$"""{ "b64_json": "{{TestImages.PngBase64}}", "revised_prompt": "" }""";
        return step switch
        {
            Step.LumenfallGenerate or Step.LumenfallEdit => $$"""
                { "id": "fz-gen-{{context.Seed}}", "created": 1750000000, "size": "1024x1024", "output_format": "png",
                  "data": [ {{image}} ],
                  "usage": { "input_tokens": 9, "output_tokens": 4160, "total_tokens": 4169,
                             "input_tokens_details": { "text_tokens": 9, "image_tokens": 0 }, "output_tokens_details": { "text_tokens": 0, "image_tokens": 4160 } },
                  "metadata": { "model": "gpt-image-2", "executed_model": "openai/gpt-image-2", "provider": "openai", "provider_name": "OpenAI", "cost": 0.04, "cost_currency": "USD" } }
                """,
            Step.Models => """
                { "object": "list", "data": [
                  { "id": "gpt-image-2", "object": "model", "created": 1745000000, "owned_by": "openai", "name": "GPT Image 2", "description": "OpenAI image model", "capabilities": { "edit": true } },
                  { "id": "omnigen-v2", "object": "model", "created": 1750000000, "owned_by": "vectorspacelab", "name": "OmniGen v2" } ] }
                """,
            Step.Model => """{ "id": "omnigen-v2", "object": "model", "created": 1750000000, "owned_by": "vectorspacelab", "name": "OmniGen v2", "description": "Unified model", "aliases": [] }""",
            Step.ModelSchema => """{ "type": "object", "properties": { "prompt": { "type": "string" }, "n": { "type": "integer", "minimum": 1 } }, "required": [ "prompt" ] }""",
            Step.Cost => """
                { "estimated": true, "model": "flux.2-dev", "provider": "fal", "total_cost_micros": 25000, "currency": "USD",
                  "components": [ { "type": "image", "metric": "megapixel", "quantity": 1.05, "billable_quantity": 2, "unit_price": 0.0125, "total_cost": 0.025 } ] }
                """,
            Step.FalSync or Step.FalResult => $$"""
                { "images": [ { "url": "{{context.ImageUrl}}", "content_type": "image/png", "file_name": "out.png", "file_size": 16, "width": 1024, "height": 1024 } ],
                  "seed": 9007199254740993, "has_nsfw_concepts": [ false ], "prompt": "a fuzzed prompt", "timings": { "inference": 4.25 } }
                """,
            Step.UploadInitiate => $$"""{ "upload_url": "{{UploadUrl}}", "file_url": "{{FileUrl}}" }""",
            Step.UploadPut => "{}",
            Step.FalSubmit => $$"""
                { "request_id": "{{id}}", "status": "IN_QUEUE", "response_url": "{{Requests(id)}}", "status_url": "{{Requests(id)}}/status",
                  "cancel_url": "{{Requests(id)}}/cancel", "queue_position": 2 }
                """,
            Step.FalStatus or Step.FalStatusStream => terminal
                ? $$"""{ "status": "COMPLETED", "request_id": "{{id}}", "response_url": "{{Requests(id)}}", "logs": [], "metrics": { "inference_time": 4.1 } }"""
                : $$"""
                    { "status": "IN_PROGRESS", "request_id": "{{id}}", "queue_position": 0, "response_url": "{{Requests(id)}}",
                      "logs": [ { "message": "Step 25/50", "level": "INFO", "source": "USER", "timestamp": "2026-11-21T12:00:01Z" } ], "metrics": {} }
                    """,
            Step.FalCancel => """{ "status": "CANCELLATION_REQUESTED" }""",
            Step.OmniSync => $$"""
                { "id": "", "created": 1750667997, "data": [ {{(context.ImagesAsUrl
                    ? $$"""{ "url": "{{context.ImageUrl}}", "b64_json": "", "revised_prompt": "" }"""
                    : $$"""{ "url": "", "b64_json": "{{TestImages.PngBase64}}", "revised_prompt": "" }""")}} ],
                  "usage": { "total_tokens": 4169, "input_tokens": 9, "output_tokens": 4160 } }
                """,
            Step.OmniSubmit => $$"""{ "id": "", "task_id": "{{id}}", "status": "queued", "created": 1750667997 }""",
            Step.OmniTask => terminal
                ? $$"""
                    { "id": "", "task_id": "{{id}}", "status": "completed", "created": 1750667997,
                      "data": [ {{(context.ImagesAsUrl
                        ? $$"""{ "url": "{{context.ImageUrl}}", "b64_json": "", "revised_prompt": "" }"""
                        : $$"""{ "url": "", "b64_json": "{{TestImages.PngBase64}}", "revised_prompt": "" }""")}} ],
                      "usage": { "total_tokens": 4169, "input_tokens": 9, "output_tokens": 4160 } }
                    """
                : $$"""{ "id": "", "task_id": "{{id}}", "status": "processing", "created": 1750667997, "data": [] }""",
            _ => "{}",
        };
    }

    /// <summary>The valid reply to request number <paramref name="index"/> (counting valid replies only) of a step.</summary>
    public static ReplySpec For(CaseContext context, Step step, int index)
    {
        bool terminal = index >= context.StatusPolls;
        switch (step)
        {
            case Step.Download:
            {
                var download = new ReplySpec { Kind = "valid image", Body = TestImages.Png };
                download.ContentHeaders.Add(("Content-Type", "image/png"));
                return download;
            }

            case Step.FalStatusStream:
            {
                var events = new StringBuilder();
                for (int i = 0; i < context.StatusPolls; i++)
                {
                    events.Append("data: ").Append(OneLine(Json(context, step, terminal: false))).Append("\n\n");
                }

                events.Append(": keep-alive\n\n");
                events.Append("data: ").Append(OneLine(Json(context, step))).Append("\n\n");
                var stream = new ReplySpec { Kind = "valid status stream", Body = Encoding.UTF8.GetBytes(events.ToString()) };
                stream.ContentHeaders.Add(("Content-Type", "text/event-stream"));
                return stream;
            }

            case Step.Unknown:
                return new ReplySpec { Kind = "no such route", Status = 404 };

            default:
            {
                int status = step switch
                {
                    Step.FalStatus when !terminal => 202,
                    Step.FalCancel => 202,
                    _ => 200,
                };
                var reply = new ReplySpec
                {
                    Kind = "valid " + step,
                    Status = status,
                    Body = Encoding.UTF8.GetBytes(Json(context, step, terminal)),
                };
                reply.ContentHeaders.Add(("Content-Type", "application/json"));
                if (step is Step.FalSync or Step.FalSubmit)
                {
                    reply.Headers.Add(("x-fal-request-id", context.OperationId));
                }
                else if (step is Step.LumenfallGenerate or Step.LumenfallEdit)
                {
                    reply.Headers.Add(("X-Lumenfall-Request-Id", "fz-lf-" + context.Seed.ToString(CultureInfo.InvariantCulture)));
                }

                return reply;
            }
        }
    }

    public static string OneLine(string json) => string.Join(' ', json.Split('\n', StringSplitOptions.TrimEntries));
}
