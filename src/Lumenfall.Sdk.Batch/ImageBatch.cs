using System.Security.Cryptography;
using System.Threading.RateLimiting;

namespace Lumenfall.Sdk.Batch;

/// <summary>
/// Runs many image jobs through one <see cref="ImageClient"/>, journaled in SQLite so a run that dies can be run again
/// without billing anything twice. Before each billable call the job's intent and client request id are journaled;
/// after a queued submit, its rehydration token; after the save, its files, their SHA-256 and the cost. A rerun with
/// the same journal skips saved jobs, continues queued ones from their tokens, and reports a synchronous call that
/// was in flight as <see cref="BatchJobState.Unknown"/> (not resent unless <see cref="BatchOptions.ResubmitUnknown"/>).
/// </summary>
public sealed class ImageBatch
{
    private readonly ImageClient _client;
    private readonly BatchOptions _options;

    /// <summary>Creates a batch runner.</summary>
    /// <param name="client">The client every job is sent through.</param>
    /// <param name="options">Journal, output folder, concurrency, budget and validation.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message names each setting.</exception>
    public ImageBatch(ImageClient client, BatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _client = client;
        _options = options;
    }

    /// <summary>
    /// Checks every job (nothing is sent when any is bad), then runs them, at most <see cref="BatchOptions.Concurrency"/>
    /// at once, reporting each change to <paramref name="progress"/>.
    /// </summary>
    /// <param name="jobs">The jobs, each with a unique id.</param>
    /// <param name="progress">Receives every change of a job, with the batch's totals.</param>
    /// <param name="cancellationToken">Stops the run; the journal keeps what is known, and a rerun picks up from it.</param>
    /// <returns>What became of every job.</returns>
    /// <exception cref="BatchValidationException">Jobs are not usable (duplicate ids, unknown models, bad parameters, missing images, no price under a budget); each is listed, and nothing was sent.</exception>
    public async Task<BatchSummary> RunAsync(IEnumerable<BatchJob> jobs, IProgress<BatchEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        List<PlannedJob> planned = Plan([.. jobs]);
        Directory.CreateDirectory(_options.OutputFolder);
        using BatchJournal journal = BatchJournal.Open(_options.JournalPath);
        var run = new BatchRun(_client, _options, journal, planned, progress);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds and checks every job's request; throws with every problem before anything is sent.</summary>
    private List<PlannedJob> Plan(List<BatchJob> jobs)
    {
        var errors = new List<BatchJobError>();
        var planned = new List<PlannedJob>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var outputs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (BatchJob job in jobs)
        {
            int before = errors.Count;
            void Problem(string parameter, string message) => errors.Add(new BatchJobError(job.Line, job.Id, parameter, message));

            if (string.IsNullOrWhiteSpace(job.Id))
            {
                Problem("id", "is required");
            }
            else if (!ids.Add(job.Id))
            {
                Problem("id", "is used by an earlier job; ids name jobs in the journal and must be unique");
            }

            string name = job.Output ?? job.Id ?? string.Empty;
            if (name.Length == 0 || name.IndexOfAny(['/', '\\', ':']) >= 0 || name is "." or ".." || name.Any(char.IsControl))
            {
                Problem("output", $"'{name}' is not a file name (no folders, no control characters)");
            }
            else if (!outputs.Add(Path.GetFileNameWithoutExtension(name)))
            {
                Problem("output", $"'{name}' is also the output of an earlier job");
            }

            var images = new List<ImageInput>();
            foreach (string image in job.Images)
            {
                if (image.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || image.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || image.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                {
                    images.Add(ImageInput.FromUrl(image));
                }
                else if (File.Exists(image))
                {
                    images.Add(ImageInput.FromFile(image));
                }
                else
                {
                    Problem("images", $"no such file: {image}");
                }
            }

            ImageRequest? request = null;
            try
            {
                request = ModelCatalog.CreateRequest(job.ModelId, job.Prompt, images);
                foreach ((string parameter, System.Text.Json.Nodes.JsonNode? value) in job.Parameters)
                {
                    request.SetParameter(parameter, value);
                }

                request.Validation = _options.Validation;
                request.Validate();
            }
            catch (LumenfallValidationException ex)
            {
                foreach (ValidationError error in ex.Errors)
                {
                    Problem(error.ParameterName, error.Message);
                }
            }
            catch (ArgumentException ex)
            {
                Problem("model", ex.Message);
            }

            if (request is not null && _options.Budget is not null && request.Service != ImageService.Lumenfall && _options.Prices.Estimate(request) is null)
            {
                Problem("price", $"no published price for {BatchPrices.PriceKey(request)}; under a budget, give one (BatchOptions.Prices, or --price {BatchPrices.PriceKey(request)}=USD)");
            }

            if (errors.Count == before && request is not null)
            {
                planned.Add(new PlannedJob(job, request, name));
            }
        }

        // A job's second image is <name>-2, its third <name>-3…: no other job may be named like one of them.
        var stems = planned.Select(p => Path.GetFileNameWithoutExtension(p.OutputName)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (PlannedJob job in planned)
        {
            string stem = Path.GetFileNameWithoutExtension(job.OutputName);
            int dash = stem.LastIndexOf('-');
            if (dash > 0 && int.TryParse(stem.AsSpan(dash + 1), out int n) && n >= 2 && stems.Contains(stem[..dash]))
            {
                errors.Add(new BatchJobError(job.Job.Line, job.Job.Id, "output", $"'{stem}' is the name of image {n} of job output '{stem[..dash]}'; choose another"));
            }
        }

        return errors.Count > 0 ? throw new BatchValidationException(errors) : planned;
    }
}

/// <summary>A checked job and its request.</summary>
internal sealed record PlannedJob(BatchJob Job, ImageRequest Request, string OutputName);

/// <summary>One run of a batch: the journal, the lanes, the budget and the counters.</summary>
internal sealed class BatchRun(ImageClient client, BatchOptions options, BatchJournal journal, List<PlannedJob> jobs, IProgress<BatchEvent>? progress)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, JournalEntry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = client.Options.TimeProvider;
    private readonly long _started = client.Options.TimeProvider.GetTimestamp();
    private Exception? _crash;
    private CancellationTokenSource _stop = null!;   // set by ExecuteAsync: the caller's token, or a crash
    private bool _stoppedAtBudget;
    private decimal _committed;
    private int _images;

    public async Task<BatchSummary> ExecuteAsync(CancellationToken cancellationToken)
    {
        using CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _stop = stop;
        Dictionary<string, JournalEntry> journaled = journal.ReadAll();
        var work = new List<(PlannedJob Job, string? Token)>();
        foreach (PlannedJob planned in jobs)
        {
            JournalEntry? entry = journaled.GetValueOrDefault(planned.Job.Id);
            entry = entry is null ? null : entry with { Model = planned.Request.ModelId };
            switch (entry?.State)
            {
                case BatchJobState.Saved:
                    _entries[planned.Job.Id] = entry!;
                    _committed += entry!.ActualCost ?? entry.EstimatedCost ?? 0;
                    break;
                case BatchJobState.Submitted when entry!.RehydrationToken is not null:
                    _entries[planned.Job.Id] = entry;
                    _committed += entry.EstimatedCost ?? 0;
                    work.Add((planned, entry.RehydrationToken));
                    break;
                case BatchJobState.Submitting or BatchJobState.Unknown when !options.ResubmitUnknown:
                    _committed += entry!.EstimatedCost ?? 0;
                    Record(entry with
                    {
                        State = BatchJobState.Unknown,
                        Error = entry.Error ?? $"its call (client request id {entry.ClientRequestId}) was in flight when an earlier run stopped: it may have been billed; not sent again (ResubmitUnknown sends it)",
                    });
                    break;
                default:
                    _entries[planned.Job.Id] = Entry(planned) with { EstimatedCost = entry?.EstimatedCost };
                    work.Add((planned, null));
                    break;
            }
        }

        var lanes = Enum.GetValues<ImageService>().ToDictionary(s => s, s => new ServiceLane(options.ConcurrencyPerService.TryGetValue(s, out int limit) ? limit : options.Concurrency, _time));
        using var overall = new SemaphoreSlim(options.Concurrency);
        var running = new List<Task>();
        try
        {
            foreach ((PlannedJob job, string? token) in work)
            {
                await overall.WaitAsync(_stop.Token).ConfigureAwait(false);
                if (_crash is not null)
                {
                    overall.Release();
                    break;
                }

                if (_stoppedAtBudget && token is null)
                {
                    overall.Release();
                    Record(_entries[job.Job.Id] with { State = BatchJobState.OverBudget, Error = "not sent: the batch stopped at the budget" });
                    continue;
                }

                running.Add(RunAndReleaseAsync(job, token, lanes[job.Request.Service], overall));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Canceled or crashed while waiting for a slot: the jobs already running end below.
        }
        catch (CrashException)
        {
        }
        finally
        {
            // Every job ends before the lanes, the slots and the journal they use are disposed; their failures surface here.
            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            finally
            {
                foreach (ServiceLane lane in lanes.Values)
                {
                    lane.Dispose();
                }
            }
        }

        if (_crash is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_crash);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new BatchSummary(
                [.. jobs.Select(j => _entries.TryGetValue(j.Job.Id, out JournalEntry? e) ? Result(e) : Result(Entry(j)))],
                _stoppedAtBudget);
        }
    }

    private async Task RunAndReleaseAsync(PlannedJob job, string? token, ServiceLane lane, SemaphoreSlim overall)
    {
        try
        {
            await RunJobAsync(job, token, lane, _stop.Token).ConfigureAwait(false);
        }
        catch (CrashException)
        {
            // The run is over; the crash is rethrown once every job has ended.
        }
        finally
        {
            overall.Release();
        }
    }

    private async Task RunJobAsync(PlannedJob job, string? token, ServiceLane lane, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            bool sent = token is not null;
            bool generated = false;
            RateLimitLease lease = await lane.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ImageOperation? operation = token is null ? null : client.ResumeOperation(token);
                if (operation is null)
                {
                    if (!await ReserveAsync(job, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    string clientRequestId = $"batch-{Guid.NewGuid():N}";
                    Record(_entries[job.Job.Id] with { State = BatchJobState.Submitting, ClientRequestId = clientRequestId, Error = null });
                    sent = true;
                    // Inline (base64) images are decoded from the response straight into files beside their final names.
                    var call = new RequestOptions { ClientRequestId = clientRequestId, InlineImageFile = i => Stem(job, i) + ".inline.part" };
                    if (job.Request.Service == ImageService.Lumenfall)
                    {
                        ImageGenerationResult direct = await client.GenerateAsync(job.Request, call, cancellationToken).ConfigureAwait(false);
                        generated = true;
                        await SaveAsync(job, direct, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    operation = await client.StartAsync(job.Request, call, cancellationToken).ConfigureAwait(false);
                    if (!operation.HasCompleted)
                    {
                        Record(_entries[job.Job.Id] with { State = BatchJobState.Submitted, RehydrationToken = operation.RehydrationToken, OperationId = operation.Id });
                    }
                }
                ImageGenerationResult result = await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
                generated = true;
                await SaveAsync(job, result, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (LumenfallRateLimitException ex) when (_crash is null && attempt < options.MaxRateLimitRetries && ex.StatusCode == System.Net.HttpStatusCode.TooManyRequests
                && ex.RehydrationToken is null && !(sent && ex.OperationId is not null))
            {
                // 429: the service did not take the job. Pause the whole lane for the wait it asked, then send the job again.
                TimeSpan wait = ex.RetryAfter ?? TimeSpan.FromSeconds(1);
                lane.Pause(wait);
                Release(job);
                Record(_entries[job.Job.Id] with { State = BatchJobState.Pending, Error = null }, $"429 from {job.Request.Service}: its lane pauses {wait.TotalSeconds:0.###} s");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;   // the journal keeps what is known: submitting becomes unknown on a rerun, submitted resumes
            }
            catch (Exception ex) when (_crash is null && ex is not CrashException)
            {
                JournalEntry entry = _entries[job.Job.Id];
                string? resume = (ex as LumenfallException)?.RehydrationToken ?? entry.RehydrationToken;
                generated |= ex is LumenfallOperationFailedException { InnerException: LumenfallException };   // it ran; fetching its result failed
                BatchJobState state = generated
                    ? (resume is not null ? BatchJobState.Submitted : BatchJobState.Unknown)   // billed: never resent; a queued job's result is fetched again on a rerun
                    : resume is not null && ex is not LumenfallOperationFailedException ? BatchJobState.Submitted
                    : sent && !KnownRefusal(ex) ? BatchJobState.Unknown
                    : BatchJobState.Failed;
                if (state == BatchJobState.Failed)
                {
                    Release(job);
                }

                Record(entry with { State = state, RehydrationToken = resume, Error = (generated ? "generated but not saved: " : string.Empty) + Line(ex.Message) });
                return;
            }
            catch (CrashException)
            {
                return;
            }
            finally
            {
                lease.Dispose();
            }
        }
    }

    /// <summary>
    /// Whether a failed billable call is known not to have been carried out: refused before it ran (a 4xx other than
    /// 408 and 429, checked input), or a job the service reports as failed. A 5xx, a timeout, a lost connection or an
    /// answer the SDK could not read may hide a generation that ran and was billed.
    /// </summary>
    private static bool KnownRefusal(Exception exception) => exception switch
    {
        LumenfallOperationFailedException => true,
        LumenfallValidationException or LumenfallAuthenticationException or LumenfallInsufficientBalanceException or LumenfallContentPolicyException => true,
        LumenfallException { StatusCode: { } status } => (int)status is >= 400 and < 500 and not 408 and not 429,
        _ => false,
    };

    /// <summary>Takes a job's reserved estimate back out of the running total (it was refused and billed nothing).</summary>
    private void Release(PlannedJob job)
    {
        lock (_gate)
        {
            _committed -= _entries[job.Job.Id].EstimatedCost ?? 0;
        }
    }

    /// <summary>Estimates the job and reserves its cost under the budget; false (and the run stops) when it would cross it.</summary>
    private async Task<bool> ReserveAsync(PlannedJob job, CancellationToken cancellationToken)
    {
        decimal? estimate = _entries[job.Job.Id].EstimatedCost;
        if (estimate is null)
        {
            // The gateway's dry run is free but is a request: it is made only when a budget needs the estimate.
            estimate = job.Request is LumenfallImageRequest gateway
                ? options.Budget is null ? null : (await client.EstimateCostAsync(gateway, cancellationToken: cancellationToken).ConfigureAwait(false)).TotalCost
                : options.Prices.Estimate(job.Request);
        }

        lock (_gate)
        {
            if (_crash is not null)
            {
                return false;
            }

            if (_stoppedAtBudget || (options.Budget is decimal budget && _committed + (estimate ?? 0) > budget))
            {
                _stoppedAtBudget = true;
                _entries[job.Job.Id] = _entries[job.Job.Id] with { EstimatedCost = estimate };
                Record(_entries[job.Job.Id] with
                {
                    State = BatchJobState.OverBudget,
                    Error = $"not sent: its estimate ${estimate:0.####} would take the spend from ${_committed:0.####} past the budget of ${options.Budget:0.####}",
                });
                return false;
            }

            _committed += estimate ?? 0;
            _entries[job.Job.Id] = _entries[job.Job.Id] with { EstimatedCost = estimate };
            return true;
        }
    }

    /// <summary>Writes every image to its file (through a .part file, hashed as it is written), then journals the job as saved.</summary>
    private async Task SaveAsync(PlannedJob job, ImageGenerationResult result, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        var hashes = new List<string>();
        for (int i = 0; i < result.Images.Count; i++)
        {
            (string file, string sha256) = await ImageFiles.WriteAsync(result.Images[i], Stem(job, i), cancellationToken).ConfigureAwait(false);
            files.Add(file);
            hashes.Add(sha256);
            Interlocked.Increment(ref _images);
        }

        lock (_gate)
        {
            JournalEntry entry = _entries[job.Job.Id];
            _committed += (result.Cost ?? entry.EstimatedCost ?? 0) - (entry.EstimatedCost ?? 0);
            Record(entry with { State = BatchJobState.Saved, Files = files, Sha256 = hashes, ActualCost = result.Cost, Error = null, OperationId = entry.OperationId ?? result.RequestId });
        }
    }

    /// <summary>The path of image <paramref name="index"/> of a job, without its extension (set from the image's format).</summary>
    private string Stem(PlannedJob job, int index) =>
        Path.Combine(options.OutputFolder, Path.GetFileNameWithoutExtension(job.OutputName) + (index == 0 ? string.Empty : $"-{index + 1}"));

    /// <summary>Journals the entry (durably), runs the crash hook, and reports the change.</summary>
    private void Record(JournalEntry entry, string? detail = null)
    {
        BatchTotals totals;
        lock (_gate)
        {
            if (_crash is not null)
            {
                throw new CrashException();
            }

            journal.Write(entry);
            _entries[entry.Id] = entry;
            try
            {
                options.AfterJournalWrite?.Invoke(entry.Id, entry.State);
            }
            catch (Exception ex)
            {
                _crash = ex;   // from here on nothing more is written, and every job stops, as after a real crash
                _stop.Cancel();
                throw new CrashException();
            }

            totals = Totals();
        }

        progress?.Report(new BatchEvent(entry.Id, entry.State, detail ?? entry.Error ?? (entry.Files.Count > 0 ? string.Join(", ", entry.Files) : entry.OperationId), totals));
    }

    private BatchTotals Totals() => new(
        jobs.Count,
        _entries.Values.Count(e => e.State == BatchJobState.Saved),
        _entries.Values.Count(e => e.State == BatchJobState.Submitting),
        _entries.Values.Count(e => e.State == BatchJobState.Submitted),
        _entries.Values.Count(e => e.State is BatchJobState.Failed or BatchJobState.Unknown or BatchJobState.OverBudget),
        Volatile.Read(ref _images),
        _committed,
        _time.GetElapsedTime(_started));

    private static JournalEntry Entry(PlannedJob job) => new(job.Job.Id, job.Request.ModelId, BatchJobState.Pending, null, null, null, [], [], null, null, null);

    private static BatchJobResult Result(JournalEntry e) => new(e.Id, e.State, e.Files, e.Sha256, e.EstimatedCost, e.ActualCost, e.OperationId, e.Error);

    private static string Line(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Thrown inside a run once the crash hook fired: every job stops without writing anything more.</summary>
    private sealed class CrashException : Exception;
}

/// <summary>
/// Writes one image to disk: through a <c>.part</c> file (or the file it was decoded into as it arrived), renamed when
/// complete; the SHA-256 is read back from the finished file.
/// </summary>
internal static class ImageFiles
{
    public static async Task<(string File, string Sha256)> WriteAsync(GeneratedImage image, string stem, CancellationToken cancellationToken)
    {
        string written;
        string? mediaType;
        if (image.FilePath is string decoded)
        {
            (written, mediaType) = (decoded, image.MediaType);   // already on disk, decoded as it arrived
        }
        else
        {
            written = stem + ".part";
            var file = new FileStream(written, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                mediaType = await image.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
        }

        byte[] hash;
        FileStream read = new(written, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using (read.ConfigureAwait(false))
        {
            hash = await SHA256.HashDataAsync(read, cancellationToken).ConfigureAwait(false);
        }

        string final = stem + Extension(mediaType);
        File.Move(written, final, overwrite: true);
        return (final, Convert.ToHexString(hash).ToLowerInvariant());
    }

    private static string Extension(string? mediaType) => mediaType switch
    {
        "image/jpeg" => ".jpg",
        "image/webp" => ".webp",
        "image/gif" => ".gif",
        "image/png" => ".png",
        _ => ".img",
    };
}
