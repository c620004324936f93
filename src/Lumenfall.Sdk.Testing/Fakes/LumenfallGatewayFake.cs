using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using static Lumenfall.Sdk.Testing.Fakes.FakeHttp;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>
/// The Lumenfall gateway's OpenAI-style API: generations (JSON), edits (multipart), <c>?dryRun=true</c> estimates, the
/// model list and single models with <c>?schema=true</c>, and its errors.
/// </summary>
internal sealed class LumenfallGatewayFake
{
    private readonly EmulatorState _state;
    private readonly FakeImages _images;

    public LumenfallGatewayFake(EmulatorState state, FakeImages images)
    {
        _state = state;
        _images = images;
    }

    /// <summary>A generation (<c>POST images/generations</c>, JSON) or an edit (<c>POST images/edits</c>, multipart), or its dry-run estimate.</summary>
    public async Task ImagesAsync(HttpContext context, bool edit)
    {
        if (!Authorized(context, "Bearer"))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid API key", "authentication_error", "AUTHENTICATION_FAILED").ConfigureAwait(false);
            return;
        }

        JsonObject input;
        int images = 0;
        if (edit)
        {
            if (!context.Request.HasFormContentType)
            {
                await ErrorAsync(context, HttpStatusCode.BadRequest, "Image edits must be sent as multipart/form-data, not JSON.", "invalid_request_error", "INVALID_REQUEST").ConfigureAwait(false);
                return;
            }

            IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            input = [];
            foreach ((string key, Microsoft.Extensions.Primitives.StringValues value) in form)
            {
                input[key] = value.ToString();
            }

            images = form.Files.Count(f => f.Name is "image" or "image[]");
            if (images == 0)
            {
                await ErrorAsync(context, HttpStatusCode.BadRequest, "An image is required.", "invalid_request_error", "INVALID_REQUEST", "image").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } json)
            {
                await ErrorAsync(context, HttpStatusCode.BadRequest, "The body is not JSON.", "invalid_request_error", "INVALID_REQUEST").ConfigureAwait(false);
                return;
            }

            input = json;
        }

        string wireModel = Text(input, "model") ?? string.Empty;
        string[] parts = wireModel.Split('/', 2);
        string model = parts.Length == 2 ? parts[1] : parts[0];
        string? provider = parts.Length == 2 ? parts[0] : null;
        if (!ModelCatalog.TryGet(model, out ModelDescriptor? descriptor) || descriptor.Service != ImageService.Lumenfall)
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, $"Model '{model}' not found", "invalid_request_error", "MODEL_NOT_FOUND").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "prompt is required", "invalid_request_error", "INVALID_REQUEST", "prompt").ConfigureAwait(false);
            return;
        }

        int count = (int)Math.Clamp(Int(input, "n") ?? 1, 1, descriptor.Limits.MaxOutputImages ?? 10);
        if (context.Request.Query["dryRun"] == "true")
        {
            long micros = 10_000L * count;
            await JsonAsync(context, new JsonObject
            {
                ["estimated"] = true, ["model"] = descriptor.Id, ["provider"] = provider ?? "emulator", ["total_cost_micros"] = micros, ["currency"] = "USD",
                ["components"] = new JsonArray(new JsonObject { ["type"] = "image", ["metric"] = "image", ["quantity"] = count, ["billable_quantity"] = count, ["unit_price"] = 0.01, ["total_cost"] = micros / 1_000_000m }),
            }).ConfigureAwait(false);
            return;
        }

        (int width, int height) = _images.Dimensions(Text(input, "size") ?? Text(input, "aspect_ratio"), 1024, descriptor.Limits);
        bool jpeg = Text(input, "output_format") is "jpeg" or "jpg";
        bool base64 = Text(input, "response_format") == "b64_json";
        string prompt = Text(input, "prompt")!;
        long? seed = Int(input, "seed");
        var data = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            (byte[] bytes, string mediaType) = FakeImages.Draw(width, height, jpeg, prompt, seed, i);
            data.Add(base64
                ? new JsonObject { ["b64_json"] = Convert.ToBase64String(bytes), ["revised_prompt"] = prompt }
                : new JsonObject { ["url"] = _images.Store(bytes, mediaType), ["revised_prompt"] = prompt });
        }

        string requestId = "req_" + _state.Next();
        context.Response.Headers["X-Lumenfall-Request-Id"] = requestId;
        context.Response.Headers["X-Lumenfall-Provider"] = provider ?? "emulator";
        context.Response.Headers["X-Lumenfall-Model"] = descriptor.Id;
        var body = new JsonObject
        {
            ["id"] = requestId,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["size"] = $"{width}x{height}",
            ["output_format"] = jpeg ? "jpeg" : "png",
            ["data"] = data,
            ["metadata"] = new JsonObject
            {
                ["model"] = descriptor.Id, ["executed_model"] = $"{provider ?? "emulator"}/{descriptor.Id}", ["provider"] = provider ?? "emulator",
                ["provider_name"] = "Lumenfall emulator", ["cost"] = 0.01 * count, ["cost_currency"] = "USD",
            },
        };

        // A token-priced model reports usage, as OpenAI's images API does. The figures are synthetic but follow the
        // request: text tokens from the prompt's length, a fixed 272 per input image, output tokens from the pixels.
        if (descriptor.Id == "gpt-image-2")
        {
            long text = (System.Text.Encoding.UTF8.GetByteCount(prompt) + 3) / 4, image = 272L * images, output = count * (((long)width * height + 1023) / 1024);
            body["usage"] = new JsonObject
            {
                ["input_tokens"] = text + image, ["output_tokens"] = output, ["total_tokens"] = text + image + output,
                ["input_tokens_details"] = new JsonObject { ["text_tokens"] = text, ["image_tokens"] = image },
            };
        }

        await JsonAsync(context, body).ConfigureAwait(false);
    }

    /// <summary>The Lumenfall models of the catalog (<c>GET models</c>).</summary>
    public static async Task ModelsAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer"))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid API key", "authentication_error", "AUTHENTICATION_FAILED").ConfigureAwait(false);
            return;
        }

        var data = new JsonArray();
        foreach (ModelDescriptor model in ModelCatalog.All.Where(m => m.Service == ImageService.Lumenfall))
        {
            data.Add(ModelJson(model));
        }

        await JsonAsync(context, new JsonObject { ["object"] = "list", ["data"] = data }).ConfigureAwait(false);
    }

    /// <summary>One model (<c>GET models/{id}</c>), or its schema with <c>?schema=true</c>.</summary>
    public static async Task ModelAsync(HttpContext context)
    {
        string id = (string)context.Request.RouteValues["id"]!;
        if (!ModelCatalog.TryGet(id, out ModelDescriptor? model) || model.Service != ImageService.Lumenfall)
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, $"Model '{id}' not found", "invalid_request_error", "MODEL_NOT_FOUND").ConfigureAwait(false);
            return;
        }

        if (context.Request.Query["schema"] == "true")
        {
            context.Response.ContentType = "application/json";
            using Stream schema = model.OpenSchema();
            await schema.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await JsonAsync(context, ModelJson(model)).ConfigureAwait(false);
    }

    private static JsonObject ModelJson(ModelDescriptor model) => new()
    {
        ["id"] = model.Id, ["object"] = "model", ["created"] = 1750000000, ["owned_by"] = model.Creator,
        ["name"] = model.DisplayName, ["aliases"] = new JsonArray([.. model.Aliases.Select(a => (JsonNode)a)]), ["modality"] = "image",
    };
}
