using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lumenfall.Sdk.Testing.Fakes;
using Lumenfall.Sdk.Tests.TestSupport;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>How a case ended, judged against the contract.</summary>
internal enum Verdict
{
    /// <summary>The call returned normally.</summary>
    Result,

    /// <summary>A <see cref="LumenfallException"/> that passed every check.</summary>
    TypedException,

    /// <summary>A <see cref="LumenfallValidationException"/> that passed every check.</summary>
    Validation,

    /// <summary>An <see cref="OperationCanceledException"/> after the caller canceled its token.</summary>
    CallerCanceled,

    /// <summary>Any other exception reached the caller.</summary>
    Escape,

    /// <summary>The call did not finish: past the fake-time bound, blocked with no timer that could end it, or past the wall-clock watchdog.</summary>
    Hang,

    /// <summary>A typed exception that breaks a rule: leaks a key, has an overlong message, or lacks the operation id.</summary>
    Violation,

    /// <summary>A control case (every reply valid) did not return a result.</summary>
    ControlFailure,

    /// <summary>The harness itself failed; not a finding about the SDK.</summary>
    HarnessError,
}

/// <summary>The outcome of one case, with everything needed to reproduce and read it.</summary>
internal sealed record FuzzOutcome(HostileCase Case, Verdict Verdict, string Phase, Exception? Exception, string Detail, IReadOnlyList<string> Transcript, TimeSpan FakeElapsed, int OffThreadRequests)
{
    public bool Failed => Verdict is Verdict.Escape or Verdict.Hang or Verdict.Violation or Verdict.ControlFailure or Verdict.HarnessError;

    public string ExceptionName => Exception?.GetType().Name ?? "-";

    /// <summary>Gets the innermost SDK method on the exception's stack (where it was thrown or last passed through), or "-".</summary>
    public string SdkFrame => (Exception?.StackTrace ?? string.Empty).Split('\n')
        .Select(frame => frame.Trim())
        .FirstOrDefault(frame => frame.StartsWith("at Lumenfall.Sdk.", StringComparison.Ordinal) && !frame.StartsWith("at Lumenfall.Sdk.Tests.", StringComparison.Ordinal)) is { } found
        ? found[3..(found.IndexOf('(', StringComparison.Ordinal) is > 3 and var paren ? paren : found.Length)]
        : "-";

    private static string Show(string? value) => value is null ? "-" : "\"" + ReplySpec.Preview(value, 60) + "\"";

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Verdict} in phase '{Phase}' after {FakeElapsed} of fake time: {Detail}");
        text.AppendLine("  case " + Case.Describe());
        if (OffThreadRequests > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  note: {OffThreadRequests} request(s) were answered off the driver's thread, so the fake clock may have moved while the SDK was still working");
        }

        if (Exception is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  exception: {Exception.GetType().FullName}: {ReplySpec.Preview(Exception.Message, 300)}");
            if (Exception is LumenfallException failure)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"    status {(failure.StatusCode is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : "-")}, code {Show(failure.ErrorCode)}, type {Show(failure.ErrorType)}, request id {Show(failure.RequestId)}, operation id {Show(failure.OperationId)}, rehydration token {(failure.RehydrationToken is null ? "-" : "present")}");
            }

            for (Exception? inner = Exception.InnerException; inner is not null; inner = inner.InnerException)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    inner: {inner.GetType().FullName}: {ReplySpec.Preview(inner.Message, 200)}");
            }

            foreach (string frame in (Exception.StackTrace ?? string.Empty).Split('\n').Take(8))
            {
                text.AppendLine("    " + frame.Trim());
            }
        }

        text.AppendLine("  requests:");
        foreach (string line in Transcript.Take(25))
        {
            text.AppendLine("    " + line);
        }

        if (Transcript.Count > 25)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    … {Transcript.Count - 25} more");
        }

        text.Append("  replay: LUMENFALL_FUZZ_SEED=").Append(Case.Seed.ToString(CultureInfo.InvariantCulture))
            .Append(" dotnet test tests/Lumenfall.Sdk.Tests --filter FullyQualifiedName~HostileResponseFuzzTests.Replay");
        return text.ToString();
    }
}

/// <summary>
/// Runs one case on fake time: starts the scenario (which runs inline on this thread until it waits on a timer
/// or a body), then, while it is not finished, moves the clock to the next due timer (or to the caller's cancel
/// time). Never sleeps on real time; a wall-clock watchdog and a fake-time bound mark hangs.
/// </summary>
internal static class FuzzDriver
{
    public static readonly DateTimeOffset Epoch = TestClock.Epoch;

    /// <summary>Wall clock one case may take before it is a hang.</summary>
    public static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(10);

    /// <summary>How long a waiting case may wait for work running off the driver's thread (file writes) before the caller's cancel is fired.</summary>
    private static readonly TimeSpan OffThreadGrace = TimeSpan.FromSeconds(2);

    private const int MaxMessageLength = 10_000;

    /// <summary>Runs one case from start to verdict. Call it on a thread without a synchronization context.</summary>
    public static FuzzOutcome Run(HostileCase fuzzCase, string scratch)
    {
        var time = new TestClock();
        var run = new FuzzRun(fuzzCase, time) { DriverThread = Environment.CurrentManagedThreadId };
        ImageClient client;
        try
        {
            client = new ImageClient(fuzzCase.Settings.CreateOptions(time, fuzzCase.Path), new FuzzHandler(run));
        }
        catch (ArgumentException ex)
        {
            return new FuzzOutcome(fuzzCase, Verdict.HarnessError, "setup", ex, "the case's settings are not valid options", [], TimeSpan.Zero, 0);
        }

        using var caller = new CancellationTokenSource();
        DateTimeOffset? cancelAt = fuzzCase.CancelAfter is TimeSpan after ? Epoch + after : null;
        if (fuzzCase.CancelAfter == TimeSpan.Zero)
        {
            caller.Cancel();
        }

        DateTimeOffset limit = Epoch + fuzzCase.Settings.Bound(fuzzCase);
        Task scenario = RunScenarioAsync(run, client, scratch, caller.Token);
        var clock = Stopwatch.StartNew();
        string? hang = null;
        long steps = 0;
        while (!scenario.IsCompleted)
        {
            Task armed = time.TimerArmed;   // taken before looking, so a timer armed meanwhile is not missed
            if (scenario.IsCompleted)
            {
                break;
            }

            if (run.Blocked is not null)
            {
                hang = run.Blocked;
                break;
            }

            if (clock.Elapsed > Watchdog)
            {
                hang = $"still running after {Watchdog} of wall clock";
                break;
            }

            DateTimeOffset? due = time.NextDueAt;
            DateTimeOffset? cancel = cancelAt is { } at && !caller.IsCancellationRequested ? at : null;
            if (due is null)
            {
                if (run.Parked > 0)
                {
                    // Waiting on a body or a connection that never ends, and no timeout armed that could end it.
                    if (cancel is null)
                    {
                        hang = "waits on a response that never ends, with no timer armed to end it";
                        break;
                    }

                    hang = "waits on a response that never ends with no timer armed; only the caller's token could end it";
                    break;
                }

                // Nothing scheduled and nothing parked: work is running off this thread (a file write). Wait for it to
                // finish or to arm a timer; only then is the caller's cancel due.
                TimeSpan wait = cancel is null ? Watchdog - clock.Elapsed : OffThreadGrace;
                if (wait > TimeSpan.Zero && Task.WaitAny([scenario, armed], wait) >= 0)
                {
                    continue;
                }

                if (cancel is null)
                {
                    continue;   // the watchdog check above ends it
                }
            }

            DateTimeOffset next = due is { } d && (cancel is null || d <= cancel) ? d : cancel!.Value;
            if (next > limit)
            {
                hang = $"still waiting past {limit - Epoch} of fake time (the next timer is due at +{next - Epoch})";
                break;
            }

            time.AdvanceTo(next);
            if (cancel is { } c && time.GetUtcNow() >= c && !caller.IsCancellationRequested)
            {
                caller.Cancel();
            }

            if (++steps > 200_000)
            {
                hang = "more than 200,000 timer steps";
                break;
            }
        }

        TimeSpan fake = time.GetUtcNow() - Epoch;
        if (hang is not null)
        {
            return new FuzzOutcome(fuzzCase, Verdict.Hang, run.Phase, null, hang, run.Transcript, fake, run.OffThreadRequests);
        }

        return Judge(run, scenario, caller.IsCancellationRequested, fake);
    }

    /// <summary>The scenario of a path, through the public API only.</summary>
    private static async Task RunScenarioAsync(FuzzRun run, ImageClient client, string scratch, CancellationToken cancellationToken)
    {
        HostileCase fuzzCase = run.Case;
        ImageGenerationResult? result = null;
        run.Phase = "call";
        switch (fuzzCase.Path)
        {
            case FuzzPath.LumenfallGenerate:
                LumenfallImageRequest generation = (fuzzCase.Seed % 3) switch
                {
                    0 => new GptImage2GenerationRequest("a fuzzed prompt") { Size = "1024x1024" },
                    1 => new OmniGenV2GenerationRequest("a fuzzed prompt") { Size = "1024x1024" },
                    _ => new Flux2DevGenerationRequest("a fuzzed prompt") { Size = "1024x1024" },
                };
                result = await client.GenerateAsync(generation, cancellationToken: cancellationToken);
                break;
            case FuzzPath.LumenfallEdit:
                result = await client.GenerateAsync(new GptImage2EditRequest("a fuzzed edit", [ImageInput.FromBytes(TestImages.Png, fileName: "in.png")]), cancellationToken: cancellationToken);
                break;
            case FuzzPath.ListModels:
                _ = await client.ListModelsAsync(cancellationToken: cancellationToken);
                break;
            case FuzzPath.GetModel:
                _ = await client.GetModelAsync("omnigen-v2", cancellationToken: cancellationToken);
                break;
            case FuzzPath.GetModelSchema:
                using (JsonDocument schema = await client.GetModelSchemaAsync("omnigen-v2", cancellationToken: cancellationToken))
                {
                    _ = schema.RootElement.ValueKind;
                }

                break;
            case FuzzPath.EstimateCost:
                _ = await client.EstimateCostAsync(new Flux2DevGenerationRequest("a fuzzed prompt") { Size = "1024x1024" }, cancellationToken: cancellationToken);
                break;
            case FuzzPath.FalSync:
            case FuzzPath.FalQueue:
            case FuzzPath.FalStatusStream:
                result = await client.GenerateAsync(FalRequest(fuzzCase), cancellationToken: cancellationToken);
                break;
            case FuzzPath.FalCancel:
                ImageOperation operation = await client.StartAsync(FalRequest(fuzzCase), cancellationToken: cancellationToken);
                run.Phase = "cancel";
                _ = await operation.CancelAsync(cancellationToken);
                break;
            case FuzzPath.FalUpload:
                _ = await client.StartAsync(FalRequest(fuzzCase), cancellationToken: cancellationToken);
                break;
            case FuzzPath.OmniRoutersSync:
            case FuzzPath.OmniRoutersAsync:
                result = await client.GenerateAsync(new OmniImageRequest(OmniImageModel.NanoBanana2, "a fuzzed prompt") { Resolution = "1K" }, cancellationToken: cancellationToken);
                break;
        }

        if (result is null || fuzzCase.Download == DownloadMode.None)
        {
            return;
        }

        run.Phase = "download";
        GeneratedImage image = result.Images[0];
        if (fuzzCase.Download == DownloadMode.OpenRead)
        {
            using Stream stream = await image.OpenReadAsync(cancellationToken);
            await stream.CopyToAsync(Stream.Null, cancellationToken);
        }
        else
        {
            string folder = Directory.CreateDirectory(Path.Combine(scratch, fuzzCase.Seed.ToString(CultureInfo.InvariantCulture))).FullName;
            _ = await image.SaveAsync(folder, cancellationToken);
        }
    }

    private static OmniGenV1Request FalRequest(HostileCase fuzzCase) => new("a fuzzed prompt with <img><|image_1|></img>")
    {
        Images = fuzzCase.UploadLocalImage
            ? [ImageInput.FromBytes(TestImages.Png, fileName: "in.png")]
            : [ImageInput.FromUrl("https://example.com/in.png")],
    };

    /// <summary>Judges a finished scenario against the contract.</summary>
    private static FuzzOutcome Judge(FuzzRun run, Task scenario, bool callerCanceled, TimeSpan fake)
    {
        HostileCase fuzzCase = run.Case;
        FuzzOutcome Outcome(Verdict verdict, Exception? ex, string detail) =>
            new(fuzzCase, verdict, run.Phase, ex, detail, run.Transcript, fake, run.OffThreadRequests);

        Exception? error = null;
        try
        {
            scenario.GetAwaiter().GetResult();   // rethrows the scenario's own exception, canceled ones included
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (run.HarnessErrors.Count > 0 || error is FuzzHarnessException || Chain(error).Any(e => e is FuzzHarnessException))
        {
            return Outcome(Verdict.HarnessError, run.HarnessErrors.FirstOrDefault() ?? error, "the harness failed, not the SDK");
        }

        if (error is null)
        {
            return Outcome(Verdict.Result, null, "returned normally");
        }

        Verdict verdict;
        string detail;
        if (error is LumenfallException failure)
        {
            List<string> broken = Check(failure, run);
            verdict = broken.Count > 0 ? Verdict.Violation : failure is LumenfallValidationException ? Verdict.Validation : Verdict.TypedException;
            detail = broken.Count > 0 ? string.Join("; ", broken) : "a typed exception";
        }
        else if (error is OperationCanceledException && callerCanceled)
        {
            verdict = Verdict.CallerCanceled;
            detail = "canceled by the caller's token";
        }
        else
        {
            verdict = Verdict.Escape;
            detail = error is OperationCanceledException
                ? "an OperationCanceledException though the caller never canceled"
                : "not a LumenfallException";
        }

        if (fuzzCase.Target is null && verdict != Verdict.CallerCanceled)
        {
            return Outcome(Verdict.ControlFailure, error, "every reply was valid, yet: " + detail);
        }

        return Outcome(verdict, error, detail);
    }

    /// <summary>The rules every typed exception keeps: no key anywhere, a capped message, and the job's id once it has one.</summary>
    private static List<string> Check(LumenfallException failure, FuzzRun run)
    {
        var broken = new List<string>();
        foreach (string key in FuzzKeys.All)
        {
            var fields = new (string Name, string? Value)[]
            {
                ("Message", failure.Message), ("ErrorCode", failure.ErrorCode), ("ErrorType", failure.ErrorType), ("RequestId", failure.RequestId),
                ("OperationId", failure.OperationId), ("RawBody", failure.RawBody),
            };
            foreach ((string name, string? value) in fields)
            {
                if (value?.Contains(key, StringComparison.Ordinal) == true)
                {
                    broken.Add($"{name} contains the API key");
                }
            }

            foreach (Exception inner in Chain(failure).Skip(1))
            {
                if (inner.Message.Contains(key, StringComparison.Ordinal))
                {
                    broken.Add($"inner {inner.GetType().Name}.Message contains the API key");
                }
            }
        }

        if (failure.Message.Length >= MaxMessageLength)
        {
            broken.Add($"Message is over the {MaxMessageLength:N0}-character cap ({failure.Message.Length:N0} characters)");
        }

        if (run.OperationIdGiven && run.Phase is "call" or "cancel"
            && (string.IsNullOrEmpty(failure.OperationId) || string.IsNullOrEmpty(failure.RehydrationToken)))
        {
            broken.Add("the job had a valid id, but the exception has no OperationId/RehydrationToken");
        }

        return broken.Distinct().ToList();
    }

    private static IEnumerable<Exception> Chain(Exception? error)
    {
        var seen = new HashSet<Exception>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Exception>();
        if (error is not null)
        {
            pending.Push(error);
        }

        while (pending.Count > 0)
        {
            Exception current = pending.Pop();
            if (!seen.Add(current))
            {
                continue;
            }

            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
