using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using static Lumenfall.Sdk.Testing.Fakes.FakeHttp;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>OmniRouters: sync generations and async tasks, with its two error shapes.</summary>
internal sealed class OmniRoutersFake
{
    private readonly EmulatorState _state;
    private readonly FakeImages _images;

    public OmniRoutersFake(EmulatorState state, FakeImages images)
    {
        _state = state;
        _images = images;
    }

    /// <summary>A generation (<c>POST images/generations</c>): the images at once, or a task with <c>?async=true</c>.</summary>
    public async Task CreateAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer"))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid token", "new_api_error", "invalid_api_key").ConfigureAwait(false);
            return;
        }

        if (await ReadJsonAsync(context).ConfigureAwait(false) is not { } input || string.IsNullOrWhiteSpace(Text(input, "model")) || string.IsNullOrWhiteSpace(Text(input, "prompt")))
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "model and prompt are required", "new_api_error", "invalid_request", "prompt").ConfigureAwait(false);
            return;
        }

        if (context.Request.Query["async"] == "true")
        {
            var job = new FakeJob("task_" + _state.Next(), "omni-image", input, _state.Faults.TakeJobFailure());
            _state.Jobs[job.Id] = job;
            await JsonAsync(context, new JsonObject { ["task_id"] = job.Id, ["status"] = "queued" }).ConfigureAwait(false);
            return;
        }

        await JsonAsync(context, new JsonObject
        {
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = Images(input),
            ["usage"] = new JsonObject { ["total_tokens"] = 0, ["input_tokens"] = 0, ["output_tokens"] = 0 },
        }).ConfigureAwait(false);
    }

    /// <summary>A task's state (<c>GET images/generations/{taskId}</c>), one step further each look.</summary>
    public async Task TaskAsync(HttpContext context)
    {
        if (!Authorized(context, "Bearer"))
        {
            await JsonAsync(context, new JsonObject { ["code"] = "invalid_api_key", ["message"] = "Invalid token", ["data"] = null }, HttpStatusCode.Unauthorized).ConfigureAwait(false);
            return;
        }

        if (!_state.Jobs.TryGetValue((string)context.Request.RouteValues["taskId"]!, out FakeJob? job))
        {
            await JsonAsync(context, new JsonObject { ["code"] = "task_not_exist", ["message"] = "task_not_exist", ["data"] = null }, HttpStatusCode.BadRequest).ConfigureAwait(false);
            return;
        }

        int step = job.Advance(_state.Options);
        var task = new JsonObject { ["task_id"] = job.Id };
        if (step < _state.Options.QueuedPolls)
        {
            task["status"] = "queued";
        }
        else if (step < _state.Options.QueuedPolls + _state.Options.RunningPolls)
        {
            task["status"] = "in_progress";
        }
        else if (job.Failure is { } failure)
        {
            task["status"] = "failed";
            task["error"] = new JsonObject { ["code"] = failure.Type, ["message"] = failure.Message };
        }
        else
        {
            job.Output ??= new JsonObject { ["data"] = Images(job.Input) };
            task["status"] = "completed";
            task["data"] = job.Output["data"]!.DeepClone();
        }

        await JsonAsync(context, task).ConfigureAwait(false);
    }

    private JsonArray Images(JsonObject input)
    {
        int side = (Text(input, "resolution") ?? "1K").ToUpperInvariant() switch { "2K" => 2048, "4K" => 4096, _ => 1024 };
        (int width, int height) = _images.Dimensions(Text(input, "aspect_ratio"), side, null);
        int count = Math.Clamp((int)(Int(input, "n") ?? 1), 1, 10);
        var data = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            (byte[] bytes, string mediaType) = FakeImages.Draw(width, height, jpeg: false, Text(input, "prompt")!, null, i);
            data.Add(new JsonObject { ["url"] = _images.Store(bytes, mediaType), ["b64_json"] = string.Empty, ["revised_prompt"] = string.Empty });
        }

        return data;
    }
}
