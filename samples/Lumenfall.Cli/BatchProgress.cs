using System.Globalization;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Batch;

namespace Lumenfall.Cli;

/// <summary>
/// The batch's live display on stderr (one line per change: counts, images a minute, spend, time left) and its end:
/// a summary table on stdout, or one JSON object with <c>--json</c>.
/// </summary>
internal sealed class BatchProgress(TextWriter error) : IProgress<BatchEvent>
{
    private readonly object _gate = new();

    public void Report(BatchEvent value)
    {
        BatchTotals t = value.Totals;
        string left = t.Remaining is TimeSpan remaining ? $" · ~{Duration(remaining)} left" : string.Empty;
        string detail = value.Detail is null ? string.Empty : $" ({CliErrors.OneLine(value.Detail)})";
        lock (_gate)
        {
            error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"[{t.Done}/{t.Jobs} done · {t.Running} running · {t.Queued} queued · {t.Failed} failed] {t.ImagesPerMinute:0.#} images/min · ${t.Spent:0.####} spent{left} | {value.JobId}: {value.State.ToString().ToLowerInvariant()}{detail}"));
        }
    }

    public static async Task WriteSummaryAsync(TextWriter output, BatchSummary summary, string journal, bool json, bool canResume)
    {
        if (json)
        {
            var document = new JsonObject
            {
                ["jobs"] = new JsonArray([.. summary.Jobs.Select(j => (JsonNode)new JsonObject
                {
                    ["id"] = j.Id,
                    ["state"] = j.State.ToString().ToLowerInvariant(),
                    ["files"] = new JsonArray([.. j.Files.Select(f => (JsonNode)f)]),
                    ["sha256"] = new JsonArray([.. j.Sha256.Select(h => (JsonNode)h)]),
                    ["estimated_cost"] = j.EstimatedCost,
                    ["actual_cost"] = j.ActualCost,
                    ["operation_id"] = j.OperationId,
                    ["error"] = j.Error,
                })]),
                ["stopped_at_budget"] = summary.StoppedAtBudget,
                ["estimated_cost"] = summary.EstimatedCost,
                ["spent"] = summary.Spent,
                ["journal"] = journal,
            };
            await output.WriteLineAsync(document.ToJsonString()).ConfigureAwait(false);
            return;
        }

        const string Format = "{0,-24} {1,-11} {2,10} {3,10}  {4}";
        await output.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, Format, "job", "state", "estimate", "actual", "file or reason")).ConfigureAwait(false);
        foreach (BatchJobResult job in summary.Jobs)
        {
            await output.WriteLineAsync(string.Format(
                CultureInfo.InvariantCulture,
                Format,
                job.Id,
                job.State.ToString().ToLowerInvariant(),
                Money(job.EstimatedCost),
                Money(job.ActualCost),
                job.Files.Count > 0 ? string.Join(", ", job.Files) : CliErrors.OneLine(job.Error ?? string.Empty))).ConfigureAwait(false);
        }

        int saved = summary.Jobs.Count(j => j.State == BatchJobState.Saved);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{saved}/{summary.Jobs.Count} saved · estimated ${summary.EstimatedCost:0.####} · spent ${summary.Spent:0.####}{(summary.StoppedAtBudget ? " · stopped at the budget" : string.Empty)} · journal {journal}{(canResume ? " (run the same command again to resume)" : " (the built-in emulator's jobs end with this command: its queued jobs cannot be resumed from this journal)")}")).ConfigureAwait(false);
    }

    private static string Money(decimal? usd) => usd is decimal value ? string.Create(CultureInfo.InvariantCulture, $"${value:0.####}") : "-";

    private static string Duration(TimeSpan span) => span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{span.Seconds}s";
}
