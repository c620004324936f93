using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>A queued fal job or OmniRouters task: its input and how far it has got (one step per status look).</summary>
internal sealed class FakeJob(string id, string app, JsonObject input, (string Message, string Type)? failure)
{
    private int _step;   // the submit reply is the first look (step 0), so a job completes on status look QueuedPolls + RunningPolls

    public string Id { get; } = id;

    public string App { get; } = app;

    public JsonObject Input { get; } = input;

    public (string Message, string Type)? Failure { get; } = failure;

    public bool Canceled { get; set; }

    public JsonObject? Output { get; set; }

    public int Advance(EmulatorOptions options) => Math.Min(Interlocked.Increment(ref _step), options.QueuedPolls + options.RunningPolls);

    public bool Completed(EmulatorOptions options) => Volatile.Read(ref _step) >= options.QueuedPolls + options.RunningPolls;

    /// <summary>Completes the job now, whatever the polls (a job with a webhook finishes on time, not on looks).</summary>
    public void Finish() => Volatile.Write(ref _step, int.MaxValue / 2);
}
