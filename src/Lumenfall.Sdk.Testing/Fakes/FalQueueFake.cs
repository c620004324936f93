using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using static Lumenfall.Sdk.Testing.Fakes.FakeHttp;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>
/// fal: the sync run, the queue (submit, status with positions, logs and metrics, the status stream, results, cancel)
/// and storage uploads, with fal's error shapes.
/// </summary>
internal sealed class FalQueueFake
{
    private readonly EmulatorState _state;
    private readonly FakeImages _images;

    public FalQueueFake(EmulatorState state, FakeImages images)
    {
        _state = state;
        _images = images;
    }

    /// <summary>A sync run (<c>POST fal-run/{endpoint}</c>): the images at once.</summary>
    public async Task RunAsync(HttpContext context)
    {
        if (!Authorized(context, "Key"))
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return;
        }

        if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } input || string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await FalValidationAsync(context, "prompt", "field required", "value_error.missing").ConfigureAwait(false);
            return;
        }

        context.Response.Headers["x-fal-request-id"] = "sync-" + _state.Next();
        await JsonAsync(context, Output(input)).ConfigureAwait(false);
    }

    /// <summary>Queues a job (<c>POST fal-queue/{endpoint}</c>) and answers with its URLs.</summary>
    public async Task SubmitAsync(HttpContext context)
    {
        if (!Authorized(context, "Key"))
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return;
        }

        string endpoint = (string)context.Request.RouteValues["endpoint"]!;
        if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } input || string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await FalValidationAsync(context, "prompt", "field required", "value_error.missing").ConfigureAwait(false);
            return;
        }

        string app = string.Join('/', endpoint.Split('/').Take(2));
        var job = new FakeJob(Guid.NewGuid().ToString(), app, input, _state.Faults.TakeJobFailure());
        _state.Jobs[job.Id] = job;
        if (Uri.TryCreate(context.Request.Query["fal_webhook"], UriKind.Absolute, out Uri? webhook))
        {
            _state.Webhooks.Schedule(job, webhook, () => Output(input));
        }

        string requests = new Uri(_state.BaseAddress, $"fal-queue/{app}/requests/{job.Id}").AbsoluteUri;
        await JsonAsync(context, new JsonObject
        {
            ["status"] = "IN_QUEUE", ["request_id"] = job.Id, ["response_url"] = requests, ["status_url"] = requests + "/status",
            ["cancel_url"] = requests + "/cancel", ["queue_position"] = _state.Options.QueuedPolls,
        }).ConfigureAwait(false);
    }

    /// <summary>A job's status (<c>GET .../status</c>), one step further each look.</summary>
    public async Task StatusAsync(HttpContext context)
    {
        if (await JobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        JsonObject status = Status(job.Advance(_state.Options), job, context.Request.Query["logs"] == "1");
        context.Response.StatusCode = Text(status, "status") == "COMPLETED" ? 200 : 202;
        await JsonAsync(context, status).ConfigureAwait(false);
    }

    /// <summary>A job's status as server-sent events (<c>GET .../status/stream</c>) until it completes.</summary>
    public async Task StatusStreamAsync(HttpContext context)
    {
        if (await JobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(": ping\n\n", context.RequestAborted).ConfigureAwait(false);
        while (true)
        {
            int step = job.Advance(_state.Options);
            JsonObject status = Status(step, job, context.Request.Query["logs"] == "1");
            await context.Response.WriteAsync($"data: {status.ToJsonString()}\n\n", context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            if (Text(status, "status") == "COMPLETED")
            {
                return;
            }
        }
    }

    /// <summary>A job's result (<c>GET .../requests/{id}</c>), or why there is none.</summary>
    public async Task ResultAsync(HttpContext context)
    {
        if (await JobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        if (job.Canceled)
        {
            await FalErrorAsync(context, HttpStatusCode.BadRequest, "The request was cancelled.", "client_cancelled").ConfigureAwait(false);
        }
        else if (!job.Completed(_state.Options))
        {
            await FalErrorAsync(context, HttpStatusCode.BadRequest, "The request is still in progress.").ConfigureAwait(false);
        }
        else if (job.Failure is { } failure)
        {
            await FalErrorAsync(context, HttpStatusCode.InternalServerError, failure.Message, failure.Type).ConfigureAwait(false);
        }
        else
        {
            job.Output ??= Output(job.Input);
            await JsonAsync(context, job.Output).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels a job that has not completed (<c>PUT .../cancel</c>).</summary>
    public async Task CancelAsync(HttpContext context)
    {
        if (await JobAsync(context).ConfigureAwait(false) is not { } job)
        {
            return;
        }

        if (job.Completed(_state.Options))
        {
            context.Response.StatusCode = 400;
            await JsonAsync(context, new JsonObject { ["status"] = "ALREADY_COMPLETED" }).ConfigureAwait(false);
            return;
        }

        job.Canceled = true;
        context.Response.StatusCode = 202;
        await JsonAsync(context, new JsonObject { ["status"] = "CANCELLATION_REQUESTED" }).ConfigureAwait(false);
    }

    /// <summary>Starts a storage upload (<c>POST fal-rest/storage/upload/initiate</c>): where to put the file and where it will be.</summary>
    public async Task InitiateUploadAsync(HttpContext context)
    {
        if (!Authorized(context, "Key") || await ReadJsonAsync(context).ConfigureAwait(false) is not { } input)
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return;
        }

        string extension = Path.GetExtension(Text(input, "file_name") ?? ".bin");
        string name = "upload-" + _state.Next() + extension;
        await JsonAsync(context, new JsonObject
        {
            ["upload_url"] = new Uri(_state.BaseAddress, $"fal-storage/{name}").AbsoluteUri,
            ["file_url"] = new Uri(_state.BaseAddress, $"files/{name}").AbsoluteUri,
        }).ConfigureAwait(false);
    }

    /// <summary>Takes an uploaded file (<c>PUT fal-storage/{name}</c>) and serves it under <c>/files/</c>.</summary>
    public async Task UploadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        _state.Files[(string)context.Request.RouteValues["name"]!] = (buffer.ToArray(), context.Request.ContentType ?? "application/octet-stream");
        context.Response.StatusCode = 200;
    }

    private async Task<FakeJob?> JobAsync(HttpContext context)
    {
        if (!Authorized(context, "Key"))
        {
            await FalErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid key").ConfigureAwait(false);
            return null;
        }

        if (_state.Jobs.TryGetValue((string)context.Request.RouteValues["id"]!, out FakeJob? job))
        {
            return job;
        }

        context.Response.StatusCode = 404;
        await JsonAsync(context, new JsonObject { ["detail"] = "Request not found", ["status"] = "NOT_FOUND" }).ConfigureAwait(false);
        return null;
    }

    private JsonObject Status(int step, FakeJob job, bool logs)
    {
        int queued = _state.Options.QueuedPolls, running = _state.Options.RunningPolls;
        var status = new JsonObject { ["request_id"] = job.Id };
        if (job.Canceled || step >= queued + running)
        {
            status["status"] = "COMPLETED";
            status["metrics"] = new JsonObject { ["inference_time"] = 0.42 };
            if (job.Canceled)
            {
                status["error"] = "The request was cancelled.";
                status["error_type"] = "client_cancelled";
            }
            else if (job.Failure is { } failure)
            {
                status["error"] = failure.Message;
                status["error_type"] = failure.Type;
            }
        }
        else if (step < queued)
        {
            status["status"] = "IN_QUEUE";
            status["queue_position"] = queued - step - 1;
        }
        else
        {
            status["status"] = "IN_PROGRESS";
        }

        if (logs && step >= queued)
        {
            var lines = new JsonArray();
            for (int i = 0; i <= Math.Min(step - queued, running - 1); i++)
            {
                lines.Add(new JsonObject { ["message"] = $"step {i + 1}/{running}", ["level"] = "INFO", ["source"] = "USER", ["timestamp"] = "2026-11-21T12:00:00Z" });
            }

            status["logs"] = lines;
        }

        return status;
    }

    private JsonObject Output(JsonObject input)
    {
        string prompt = Text(input, "prompt")!;
        long seed = Int(input, "seed") ?? (long)(EmulatorImages.Hash(prompt, null) >> 1);
        (int width, int height) = Size(input["image_size"]);
        bool png = Text(input, "output_format") == "png";
        int count = Math.Clamp((int)(Int(input, "num_images") ?? 1), 1, 4);
        var images = new JsonArray();
        var nsfw = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            (byte[] bytes, string mediaType) = FakeImages.Draw(width, height, !png, prompt, seed, i);
            string url = _images.Store(bytes, mediaType);
            images.Add(new JsonObject
            {
                ["url"] = url, ["content_type"] = mediaType, ["file_name"] = url[(url.LastIndexOf('/') + 1)..], ["file_size"] = bytes.Length,
                ["width"] = width, ["height"] = height,
            });
            nsfw.Add(false);
        }

        return new JsonObject { ["images"] = images, ["timings"] = new JsonObject { ["inference"] = 0.42 }, ["seed"] = seed, ["has_nsfw_concepts"] = nsfw, ["prompt"] = prompt };
    }

    private (int Width, int Height) Size(JsonNode? size) => size switch
    {
        JsonObject o => _images.Fit((int?)o["width"] ?? 512, (int?)o["height"] ?? 512),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() switch
        {
            "square" => _images.Fit(512, 512),
            "portrait_4_3" => _images.Fit(768, 1024),
            "portrait_16_9" => _images.Fit(576, 1024),
            "landscape_4_3" => _images.Fit(1024, 768),
            "landscape_16_9" => _images.Fit(1024, 576),
            _ => _images.Fit(1024, 1024),
        },
        _ => _images.Fit(1024, 1024),
    };

    private static Task FalErrorAsync(HttpContext context, HttpStatusCode status, string detail, string? errorType = null)
    {
        if (errorType is not null)
        {
            context.Response.Headers["X-Fal-Error-Type"] = errorType;
        }

        return JsonAsync(context, new JsonObject { ["detail"] = detail, ["error_type"] = errorType }, status);
    }

    private static Task FalValidationAsync(HttpContext context, string field, string message, string type) =>
        JsonAsync(context, new JsonObject { ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body", field), ["msg"] = message, ["type"] = type }) }, HttpStatusCode.UnprocessableEntity);
}
