namespace Lumenfall.Cli;

/// <summary>Parsed command-line words: positional words, <c>--name value</c> options (repeatable) and <c>--flag</c> switches.</summary>
internal sealed class CliArguments
{
    private static readonly HashSet<string> Switches = ["--async", "--json", "--help", "-h", "--verbose"];

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    private CliArguments()
    {
    }

    public List<string> Positional { get; } = [];

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new CliArguments();
        for (int i = 0; i < args.Count; i++)
        {
            string word = args[i];
            if (Switches.Contains(word))
            {
                parsed.Add(word, "true");
            }
            else if (word.StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Count)
                {
                    throw new CliUsageException($"{word} needs a value.");
                }

                parsed.Add(word, args[++i]);
            }
            else
            {
                parsed.Positional.Add(word);
            }
        }

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Value(string name) => _options.TryGetValue(name, out List<string>? values) ? values[^1] : null;

    public IReadOnlyList<string> Values(string name) => _options.TryGetValue(name, out List<string>? values) ? values : [];

    public string Required(string name) => Value(name) ?? throw new CliUsageException($"{name} is required.");

    public void OnlyAllow(params string[] names)
    {
        string? unknown = _options.Keys.FirstOrDefault(k => !names.Contains(k) && k is not ("--help" or "-h" or "--verbose"));
        if (unknown is not null)
        {
            throw new CliUsageException($"Unknown option {unknown}.");
        }
    }

    private void Add(string name, string value)
    {
        if (!_options.TryGetValue(name, out List<string>? values))
        {
            _options[name] = values = [];
        }

        values.Add(value);
    }
}

/// <summary>Bad command-line input: exit code 2 with the message.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
