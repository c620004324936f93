namespace Lumenfall.Sdk.Batch;

/// <summary>Where a job stands, as the journal records it.</summary>
public enum BatchJobState
{
    /// <summary>Not sent yet (or refused in a way that is known not to have billed: it is sent again).</summary>
    Pending = 0,

    /// <summary>Its intent and client request id are journaled and the billable call is going out: the outcome is not known yet.</summary>
    Submitting,

    /// <summary>The service accepted it as a queued job (fal queue, OmniRouters task); its rehydration token is journaled.</summary>
    Submitted,

    /// <summary>Its images are on disk, with their SHA-256 and the cost.</summary>
    Saved,

    /// <summary>The service refused or failed it; nothing is on disk. A rerun tries it again.</summary>
    Failed,

    /// <summary>
    /// A synchronous call was in flight when the run stopped (a crash, a kill, a lost connection): it may have been
    /// billed and its image is lost. It is not sent again unless <see cref="BatchOptions.ResubmitUnknown"/> says so.
    /// </summary>
    Unknown,

    /// <summary>Not sent: it would have taken the spend past the budget.</summary>
    OverBudget,
}

/// <summary>A change to one job, with the batch's totals after it.</summary>
/// <param name="JobId">The job.</param>
/// <param name="State">Its new state.</param>
/// <param name="Detail">The file saved, the error, or the operation id; null when there is nothing to add.</param>
/// <param name="Totals">The batch's totals.</param>
public sealed record BatchEvent(string JobId, BatchJobState State, string? Detail, BatchTotals Totals);

/// <summary>A batch's counts and spend at one moment.</summary>
/// <param name="Jobs">Jobs in the batch.</param>
/// <param name="Done">Jobs saved.</param>
/// <param name="Running">Jobs whose call is out now (state <see cref="BatchJobState.Submitting"/>).</param>
/// <param name="Queued">Jobs the service holds as queued operations now (state <see cref="BatchJobState.Submitted"/>).</param>
/// <param name="Failed">Jobs failed, unknown or over budget.</param>
/// <param name="Images">Images saved in this run.</param>
/// <param name="Spent">Actual costs where the services reported them, else the estimates, of saved and running jobs, in dollars.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record BatchTotals(int Jobs, int Done, int Running, int Queued, int Failed, int Images, decimal Spent, TimeSpan Elapsed)
{
    /// <summary>Gets images saved a minute in this run.</summary>
    public double ImagesPerMinute => Elapsed.TotalMinutes <= 0 ? 0 : Images / Elapsed.TotalMinutes;

    /// <summary>Gets the estimated time left at this run's pace, or null before the first job finished.</summary>
    public TimeSpan? Remaining => Done == 0 || Elapsed <= TimeSpan.Zero ? null : Elapsed / Done * Math.Max(0, Jobs - Done - Failed);
}

/// <summary>What became of one job.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="State">Its final state in this run.</param>
/// <param name="Files">The files saved (empty unless <see cref="BatchJobState.Saved"/>).</param>
/// <param name="Sha256">The SHA-256 of each file, hex.</param>
/// <param name="EstimatedCost">The estimate made before it was sent, in dollars.</param>
/// <param name="ActualCost">The cost the service reported, in dollars.</param>
/// <param name="OperationId">The queued operation's id, when it had one.</param>
/// <param name="Error">Why it failed, is unknown or was not sent.</param>
public sealed record BatchJobResult(
    string Id, BatchJobState State, IReadOnlyList<string> Files, IReadOnlyList<string> Sha256, decimal? EstimatedCost, decimal? ActualCost, string? OperationId, string? Error);

/// <summary>The end of a run.</summary>
/// <param name="Jobs">Every job, in input order.</param>
/// <param name="StoppedAtBudget">Whether the run stopped because the next job would have crossed the budget.</param>
public sealed record BatchSummary(IReadOnlyList<BatchJobResult> Jobs, bool StoppedAtBudget)
{
    /// <summary>Gets whether every job is saved.</summary>
    public bool AllSaved => Jobs.All(j => j.State == BatchJobState.Saved);

    /// <summary>Gets the sum of the estimates of the jobs that were sent.</summary>
    public decimal EstimatedCost => Jobs.Where(j => j.State is BatchJobState.Saved or BatchJobState.Unknown or BatchJobState.Submitted).Sum(j => j.EstimatedCost ?? 0);

    /// <summary>Gets the spend: actual costs where reported, else the estimates, of the jobs that were sent.</summary>
    public decimal Spent => Jobs.Where(j => j.State is BatchJobState.Saved or BatchJobState.Unknown or BatchJobState.Submitted).Sum(j => j.ActualCost ?? j.EstimatedCost ?? 0);
}
