using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>Counts outcomes and groups failures by path, step, phase and exception, with one example seed each.</summary>
internal sealed class FuzzReport(string title)
{
    private readonly Dictionary<Verdict, int> _counts = [];
    private readonly List<FuzzOutcome> _failures = [];
    private readonly List<FuzzOutcome> _outcomes = [];
    private int _offThread;

    public int Cases { get; private set; }

    public IReadOnlyList<FuzzOutcome> Failures => _failures;

    public IReadOnlyList<FuzzOutcome> Outcomes => _outcomes;

    public TimeSpan Elapsed { get; set; }

    public void Add(FuzzOutcome outcome)
    {
        Cases++;
        _outcomes.Add(outcome);
        _counts[outcome.Verdict] = _counts.GetValueOrDefault(outcome.Verdict) + 1;
        _offThread += outcome.OffThreadRequests;
        if (outcome.Failed)
        {
            _failures.Add(outcome);
        }
    }

    public int Count(Verdict verdict) => _counts.GetValueOrDefault(verdict);

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{title}: {Cases} cases in {Elapsed.TotalSeconds:F1} s — results {Count(Verdict.Result)}, typed exceptions {Count(Verdict.TypedException)}, "
        + $"validation {Count(Verdict.Validation)}, caller cancellations {Count(Verdict.CallerCanceled)}, ESCAPES {Count(Verdict.Escape)}, "
        + $"HANGS {Count(Verdict.Hang)}, contract violations {Count(Verdict.Violation)}, control failures {Count(Verdict.ControlFailure)}, "
        + $"harness errors {Count(Verdict.HarnessError)}; requests answered off the driver thread: {_offThread}");

    /// <summary>The failure groups as a table: verdict, path, step, phase, what, how many, an example seed and its hostile reply.</summary>
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| verdict | path | hostile step | phase | exception / problem | cases | example seed | example hostile reply |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var group in _failures
            .GroupBy(f => (f.Verdict, f.Case.Path, f.Case.TargetName, f.Phase, What: What(f)))
            .OrderBy(g => g.Key.Verdict).ThenByDescending(g => g.Count()))
        {
            FuzzOutcome example = group.OrderBy(f => f.Case.Seed).First();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Verdict} | {group.Key.Path} | {group.Key.TargetName} | {group.Key.Phase} | {Cell(group.Key.What)} | {group.Count()} | {example.Case.Seed} | {Cell(example.Case.Hostile?.Describe(60) ?? "(none)", 180)} |");
        }

        return text.ToString();
    }

    public string Render(int details)
    {
        var text = new StringBuilder();
        text.AppendLine(Summary());
        if (_failures.Count == 0)
        {
            return text.ToString();
        }

        text.AppendLine();
        text.Append(Table());
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"First {Math.Min(details, _failures.Count)} failing case(s) in detail (one per group first):");
        IEnumerable<FuzzOutcome> firstOfEachGroup = _failures.GroupBy(f => (f.Verdict, f.Case.Path, f.Case.TargetName, f.Phase, What(f))).Select(g => g.First());
        foreach (FuzzOutcome failure in firstOfEachGroup.Concat(_failures).Distinct().Take(details))
        {
            text.AppendLine(failure.Describe());
            text.AppendLine();
        }

        return text.ToString();
    }

    private static string What(FuzzOutcome outcome) => outcome.Verdict switch
    {
        Verdict.Escape => outcome.Exception?.GetType().FullName + (outcome.Exception is OperationCanceledException ? " (caller did not cancel)" : string.Empty),
        Verdict.Violation => $"{outcome.Exception?.GetType().Name}: {Regex.Replace(outcome.Detail, @" \([0-9,]+ characters\)", string.Empty)}",
        Verdict.ControlFailure or Verdict.HarnessError => $"{outcome.Exception?.GetType().Name}: {outcome.Detail}",
        _ => outcome.Detail,
    };

    private static string Cell(string text, int max = 120) => ReplySpec.Preview(text, max).Replace("|", "\\|", StringComparison.Ordinal);
}
