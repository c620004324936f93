// AsyncJobs: start a queued job, show progress, save its token, resume it elsewhere, and cancel another one.
using Lumenfall.Sdk;
using Lumenfall.Sdk.Testing;

await using LumenfallEmulator? emulator = Environment.GetEnvironmentVariable("FAL_KEY") is null ? await LumenfallEmulator.StartAsync() : null;
ImageClient Client() => emulator?.CreateClient(o => o.Fal.IncludeLogs = true) ?? ImageClient.FromEnvironment(o => o.Fal.IncludeLogs = true);
Console.Error.WriteLine(emulator is null ? "Using fal.ai." : $"No FAL_KEY: using the offline emulator at {emulator.BaseAddress}.");

// 1. Start, and keep the token somewhere durable (a database row, a message).
ImageOperation started = await Client().StartAsync(new OmniGenV1Request("a lighthouse in a storm, oil painting"));
string token = started.RehydrationToken!;
Console.WriteLine($"started {started.Id}: {started.Status}, position {started.QueuePosition}");

// 2. Later, perhaps in another process: resume from the token and watch it finish.
ImageOperation resumed = Client().ResumeOperation(token);
await foreach (OperationUpdate update in resumed.WatchAsync())
{
    Console.WriteLine($"  {update.Elapsed.TotalSeconds,5:F1}s {update.Status} {update.QueuePosition} {string.Join(" | ", update.NewLogs.Select(l => l.Message))}");
}

ImageGenerationResult result = await resumed.WaitForCompletionAsync();
Console.WriteLine($"done: {await result.Images[0].SaveAsync("asyncjobs-lighthouse")} (seed {result.Seed})");

// 3. Cancel a job that is no longer wanted; a finished one reports AlreadyCompleted instead of failing.
ImageOperation unwanted = await Client().StartAsync(new OmniGenV1Request("never mind"));
Console.WriteLine($"cancel {unwanted.Id}: {await unwanted.CancelAsync()}");
Console.WriteLine($"cancel {resumed.Id}: {await resumed.CancelAsync()}");
