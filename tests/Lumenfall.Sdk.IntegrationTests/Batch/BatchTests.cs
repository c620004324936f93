using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Batch;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Sdk.IntegrationTests.Batch;

/// <summary>
/// <see cref="ImageBatch"/> against the emulator: a crash after every journal write of every kind of job, then reruns,
/// with the emulator counting billable POSTs per job; the budget; a 429 pausing one lane; jobs with bad lines.
/// </summary>
public sealed class BatchTests : IAsyncLifetime
{
    private LumenfallEmulator _emulator = null!;
    private string _folder = null!;

    public static TheoryData<string, BatchJobState> CrashPoints()
    {
        var data = new TheoryData<string, BatchJobState>();
        foreach (string job in new[] { "sync-gateway", "fal-queue", "omni-task" })
        {
            data.Add(job, BatchJobState.Submitting);
            if (job != "sync-gateway")
            {
                data.Add(job, BatchJobState.Submitted);
            }

            data.Add(job, BatchJobState.Saved);
        }

        return data;
    }

    public async Task InitializeAsync()
    {
        _emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64, QueuedPolls = 1, RunningPolls = 1 });
        _folder = Directory.CreateTempSubdirectory("batch-").FullName;
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_after_any_journal_write_never_bills_a_job_twice_and_every_file_is_complete(string crashingJob, BatchJobState crashAfter)
    {
        BatchJob[] jobs = Jobs();
        var crash = new InvalidOperationException("simulated crash");

        // One job at a time, so the crash point is exact: nothing else is in flight (the kill -9 test of the CLI covers that).
        Func<Task> crashed = () => Batch(o =>
        {
            o.Concurrency = 1;
            o.AfterJournalWrite = (id, state) =>
            {
                if (id == crashingJob && state == crashAfter)
                {
                    throw crash;
                }
            };
        }).RunAsync(jobs);
        (await crashed.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(crash);

        BatchSummary rerun = await Batch().RunAsync(jobs);
        BatchSummary resubmitted = await Batch(o => o.ResubmitUnknown = true).RunAsync(jobs);

        if (crashAfter == BatchJobState.Submitting)
        {
            // The intent was journaled, so the call may have gone out: the rerun reports it and sends nothing.
            rerun.Jobs.Single(j => j.Id == crashingJob).State.Should().Be(BatchJobState.Unknown);
            rerun.Jobs.Single(j => j.Id == crashingJob).Error.Should().Contain("may have been billed");
        }
        else
        {
            rerun.AllSaved.Should().BeTrue(string.Join("; ", rerun.Jobs.Select(j => $"{j.Id} {j.State} {j.Error}")));
        }

        resubmitted.AllSaved.Should().BeTrue();
        foreach (BatchJob job in jobs)
        {
            Billable(job).Should().Be(1, $"{job.Id} is billed exactly once across the crash and two reruns");
        }

        foreach (BatchJobResult job in resubmitted.Jobs)
        {
            string file = job.Files.Should().ContainSingle().Which;
            byte[] bytes = await File.ReadAllBytesAsync(file);
            Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant().Should().Be(job.Sha256.Single(), "the journal's hash is the file's");
            ImageAssertions.Describe(bytes).Width.Should().BePositive();
        }

        Directory.GetFiles(_folder, "*.part", SearchOption.AllDirectories).Should().BeEmpty("a file appears under its name only when complete");
    }

    [Fact]
    public async Task A_job_queued_when_the_run_stopped_is_picked_up_from_its_token_without_a_new_submit()
    {
        BatchJob[] jobs = [new("fal-queue", "omnigen-v1", "a brass lamp")];
        using var stop = new CancellationTokenSource();

        Func<Task> stopped = () => Batch().RunAsync(jobs, new SyncProgress(e =>
        {
            if (e.State == BatchJobState.Submitted)
            {
                stop.Cancel();
            }
        }), stop.Token);
        await stopped.Should().ThrowAsync<OperationCanceledException>();
        BatchSummary resumed = await Batch().RunAsync(jobs);

        resumed.Jobs.Single().State.Should().Be(BatchJobState.Saved);
        Billable(jobs[0]).Should().Be(1);
    }

    [Fact]
    public async Task The_batch_stops_before_a_job_would_cross_the_budget_and_a_rerun_with_more_budget_goes_on()
    {
        BatchJob[] jobs = [.. Enumerable.Range(1, 4).Select(i => new BatchJob($"poster-{i}", "flux.2-dev", $"poster {i}") { Parameters = new Dictionary<string, JsonNode?> { ["size"] = "64x64" } })];

        BatchSummary first = await Batch(o => o.Budget = 0.025m).RunAsync(jobs);
        BatchSummary second = await Batch(o => o.Budget = 1m).RunAsync(jobs);

        first.StoppedAtBudget.Should().BeTrue();
        first.Jobs.Count(j => j.State == BatchJobState.Saved).Should().Be(2, "each poster is estimated at $0.01 by the gateway's dry run");
        first.Jobs.Should().Contain(j => j.State == BatchJobState.OverBudget && j.Error!.Contains("past the budget of $0.025"));
        first.Spent.Should().BeLessThanOrEqualTo(0.025m);
        second.AllSaved.Should().BeTrue();
        jobs.Should().OnlyContain(j => Billable(j) == 1);
        _emulator.Requests.Count(r => r.Query.Contains("dryRun=true", StringComparison.Ordinal)).Should().Be(4, "each job is estimated once, and the estimate is journaled");
    }

    [Fact]
    public async Task A_429_pauses_its_services_lane_for_the_wait_asked_and_the_job_is_sent_again()
    {
        _emulator.Faults.Add(EmulatorFault.RateLimited(retryAfterSeconds: 1, "/images/generations"));
        BatchJob[] jobs = [.. Enumerable.Range(1, 3).Select(i => new BatchJob($"g{i}", "flux.2-dev", $"gateway {i}"))];
        var events = new List<BatchEvent>();

        BatchSummary summary = await Batch(o => o.ConcurrencyPerService[ImageService.Lumenfall] = 1, retries: 0).RunAsync(jobs, new SyncProgress(events.Add));

        summary.AllSaved.Should().BeTrue();
        BatchEvent pause = events.Should().ContainSingle(e => e.Detail != null && e.Detail.StartsWith("429 from Lumenfall: its lane pauses 1 s", StringComparison.Ordinal)).Which;
        events.Where(e => e.State == BatchJobState.Submitting && events.IndexOf(e) > events.IndexOf(pause))
            // The pause starts just before its event is stamped, so a job may go out up to that gap (well under 100 ms) early.
            .Should().NotBeEmpty().And.OnlyContain(e => e.Totals.Elapsed >= pause.Totals.Elapsed + TimeSpan.FromSeconds(0.9), "no job on the lane is sent before the pause ends");
        jobs.Select(Billable).Should().BeEquivalentTo([1, 1, 2], "one job was refused with 429 (not processed, so not billed) and sent again after the pause");
        _emulator.Requests.Count(r => r.Method == "POST").Should().Be(4, "no budget, so no estimates: three generations and the refused one");
    }

    [Fact]
    public async Task Bad_jobs_are_listed_with_their_line_and_parameter_and_nothing_is_sent()
    {
        string image = Path.Combine(_folder, "missing.png");
        const string Lines = """
            {"id": "ok", "model": "flux.2-dev", "prompt": "fine"}
            {"id": "too-many", "model": "flux.2-dev", "prompt": "x", "params": {"n": 99}}
            not json

            {"id": "ok", "model": "gpt-image-2", "prompt": "again"}
            {"id": "no-image", "model": "gpt-image-2", "prompt": "x", "images": ["__IMAGE__"]}
            {"id": "nobody", "model": "omni-image", "prompt": "x"}
            """;
        string text = Lines.Replace("__IMAGE__", image.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal);

        Action read = () => BatchJob.ReadJsonLines(new StringReader(text));
        BatchValidationException unreadable = read.Should().Throw<BatchValidationException>().Which;
        IReadOnlyList<BatchJob> jobs = BatchJob.ReadJsonLines(new StringReader(text.Replace("not json", string.Empty, StringComparison.Ordinal)));
        Func<Task> run = () => Batch().RunAsync(jobs);
        BatchValidationException invalid = (await run.Should().ThrowAsync<BatchValidationException>()).Which;

        unreadable.Errors.Should().ContainSingle().Which.Should().Be(new BatchJobError(3, null, "line", "is not a JSON object"));
        invalid.Errors.Select(e => (e.Line, e.JobId, e.ParameterName)).Should().BeEquivalentTo(new (int?, string?, string)[]
        {
            (2, "too-many", "n"),
            (5, "ok", "id"),
            (5, "ok", "output"),
            (6, "no-image", "images"),
            (7, "nobody", "model"),
        });
        _emulator.Requests.Should().BeEmpty("every job is checked before the first is sent");
    }

    [Fact]
    public async Task A_5xx_after_the_call_went_out_may_hide_a_billed_image_so_the_job_is_unknown_and_never_resent()
    {
        _emulator.Faults.Add(new EmulatorFault { Method = "POST", PathContains = "/images/generations", StatusCode = HttpStatusCode.BadGateway, Body = """{"error":{"message":"upstream timed out"}}""" });
        BatchJob[] jobs = [new("g", "flux.2-dev", "a kite")];

        BatchSummary first = await Batch(retries: 0).RunAsync(jobs);
        BatchSummary rerun = await Batch().RunAsync(jobs);

        first.Jobs.Single().State.Should().Be(BatchJobState.Unknown);
        rerun.Jobs.Single().State.Should().Be(BatchJobState.Unknown);
        Billable(jobs[0]).Should().Be(1, "a 502 does not prove the generation did not run: the job is reported, not resent");
    }

    [Fact]
    public async Task A_second_run_on_a_journal_in_use_is_refused_before_it_sends_anything()
    {
        var pace = new EmulatorOptions { MaxSide = 64, QueuedPolls = 1_000_000 };
        await using LumenfallEmulator slow = await LumenfallEmulator.StartAsync(pace);
        BatchJob[] jobs = [new("q", "omnigen-v1", "a quilt")];
        var options = new BatchOptions { JournalPath = Path.Combine(_folder, "shared.db"), OutputFolder = _folder };
        using var stop = new CancellationTokenSource();
        var submitted = new TaskCompletionSource();

        Task first = new ImageBatch(slow.CreateClient(), options).RunAsync(jobs, new SyncProgress(e =>
        {
            if (e.State == BatchJobState.Submitted)
            {
                submitted.TrySetResult();
            }
        }), stop.Token);
        await submitted.Task.WaitAsync(TimeSpan.FromMinutes(1));
        Func<Task> second = () => new ImageBatch(slow.CreateClient(), options).RunAsync(jobs);

        (await second.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*is in use by another run*");
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => first).Should().ThrowAsync<OperationCanceledException>();
        slow.Requests.Count(r => r.Method == "POST").Should().Be(1);
    }

    [Fact]
    public async Task A_job_may_not_take_the_name_of_another_jobs_second_image()
    {
        BatchJob[] jobs = [new("a", "flux.2-dev", "x") { Parameters = new Dictionary<string, JsonNode?> { ["n"] = 2 } }, new("a-2", "flux.2-dev", "y")];

        Func<Task> run = () => Batch().RunAsync(jobs);

        (await run.Should().ThrowAsync<BatchValidationException>()).Which.Errors.Should().ContainSingle(e => e.JobId == "a-2" && e.ParameterName == "output");
    }

    private ImageBatch Batch(Action<BatchOptions>? configure = null, int? retries = null)
    {
        ImageClient client = _emulator.CreateClient(o =>
        {
            foreach (ServiceOptions service in new ServiceOptions[] { o.Gateway, o.Fal, o.OmniRouters })
            {
                service.Polling.InitialInterval = TimeSpan.FromMilliseconds(10);
                service.Polling.MaxInterval = TimeSpan.FromMilliseconds(20);
                if (retries is int count)
                {
                    service.Retry.MaxRetries = count;
                }
            }
        });
        var options = new BatchOptions { JournalPath = Path.Combine(_folder, "journal.db"), OutputFolder = Path.Combine(_folder, "images"), Concurrency = 2 };
        configure?.Invoke(options);
        return new ImageBatch(client, options);
    }

    private static BatchJob[] Jobs() =>
    [
        new("sync-gateway", "flux.2-dev", "a teapot") { Parameters = new Dictionary<string, JsonNode?> { ["size"] = "64x64", ["response_format"] = "b64_json" } },
        new("fal-queue", "omnigen-v1", "a lamp"),
        new("omni-task", "omnirouters/Seedream:4.5", "a blanket"),
    ];

    private int Billable(BatchJob job) => _emulator.Requests.Count(r => IsBillable(r) && Prompt(r) == job.Prompt);

    private static bool IsBillable(EmulatorRequest r) =>
        r.Method == "POST" && !r.Query.Contains("dryRun", StringComparison.Ordinal) && !r.Path.Contains("/storage/", StringComparison.Ordinal) && !r.Path.EndsWith("/cancel", StringComparison.Ordinal);

    private static string? Prompt(EmulatorRequest r) =>
        r.Json is { } json ? JsonNode.Parse(json)?["prompt"]?.GetValue<string>() : r.FormFields.GetValueOrDefault("prompt");

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<BatchEvent> report) : IProgress<BatchEvent>
    {
        public void Report(BatchEvent value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
