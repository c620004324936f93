using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.Batch;

/// <summary>
/// One image job of a batch: a model, a prompt, parameters by wire name, input images (paths or URLs) and the file
/// name to save to. <see cref="Id"/> names the job in the journal: a rerun recognises its jobs by it.
/// </summary>
/// <param name="Id">The job's id, unique in the batch (for example a SKU).</param>
/// <param name="ModelId">The model id, as <see cref="ModelCatalog.CreateRequest"/> takes it (for example <c>flux.2-dev</c>).</param>
/// <param name="Prompt">The prompt.</param>
public sealed record BatchJob(string Id, string ModelId, string Prompt)
{
    /// <summary>Gets the parameters by wire name (for example <c>size</c>, <c>n</c>), set with <see cref="ImageRequest.SetParameter"/>.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Parameters { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Gets the input images: local paths or <c>http(s)</c>/<c>data:</c> URLs; with any, a model that edits edits.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>Gets the file name to save to inside the output folder (its extension follows the image's format); null uses <see cref="Id"/>.</summary>
    public string? Output { get; init; }

    /// <summary>Gets the line of the job in its JSON Lines file, when it came from one (for error messages).</summary>
    public int? Line { get; init; }

    /// <summary>
    /// Reads JSON Lines, one job a line: <c>{"id": "sku-1", "model": "flux.2-dev", "prompt": "…"}</c> with optional
    /// <c>params</c> (an object of wire names and values), <c>images</c> (an array of paths or URLs) and <c>output</c>
    /// (a file name). Blank lines are skipped.
    /// </summary>
    /// <param name="reader">The text.</param>
    /// <returns>The jobs, each with its <see cref="Line"/>.</returns>
    /// <exception cref="BatchValidationException">A line is not a job; every bad line is listed.</exception>
    public static IReadOnlyList<BatchJob> ReadJsonLines(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var jobs = new List<BatchJob>();
        var errors = new List<BatchJobError>();
        int number = 0;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                jobs.Add(Parse(text, number));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                errors.Add(new BatchJobError(number, null, "line", ex is JsonException ? "is not a JSON object" : ex.Message));
            }
        }

        return errors.Count > 0 ? throw new BatchValidationException(errors) : jobs;
    }

    private static BatchJob Parse(string text, int line)
    {
        JsonObject json = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("is not a JSON object");
        string id = Text(json, "id");
        IReadOnlyDictionary<string, JsonNode?> parameters = json["params"] switch
        {
            null => new Dictionary<string, JsonNode?>(),
            JsonObject values => values.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal),
            _ => throw new FormatException("params must be an object of wire names and values"),
        };
        IReadOnlyList<string> images = json["images"] switch
        {
            null => [],
            JsonArray items when items.All(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String) => [.. items.Select(i => i!.GetValue<string>())],
            _ => throw new FormatException("images must be an array of paths or URLs"),
        };
        return new BatchJob(id, Text(json, "model"), Text(json, "prompt"))
        {
            Parameters = parameters,
            Images = images,
            Output = json["output"] is null ? null : Text(json, "output"),
            Line = line,
        };
    }

    private static string Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text
            ? text
            : throw new FormatException($"{name} must be a non-empty string");
}

/// <summary>One problem with one job, found before anything was sent.</summary>
/// <param name="Line">The job's line in its file, when known.</param>
/// <param name="JobId">The job's id, when it has one.</param>
/// <param name="ParameterName">The parameter (wire name), or <c>line</c>, <c>id</c>, <c>model</c>, <c>images</c>, <c>output</c>, <c>price</c>.</param>
/// <param name="Message">What is wrong.</param>
public sealed record BatchJobError(int? Line, string? JobId, string ParameterName, string Message)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(Line is int line ? $"line {line}" : "job")}{(JobId is null ? string.Empty : $" ({JobId})")}: {ParameterName}: {Message}";
}

/// <summary>Jobs of a batch are not usable; nothing was sent. <see cref="Errors"/> lists every bad job.</summary>
public sealed class BatchValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errors">At least one error.</param>
    public BatchValidationException(IReadOnlyList<BatchJobError> errors)
        : base($"{errors.Count} job problem(s), nothing was sent: " + string.Join("; ", errors.Take(10)) + (errors.Count > 10 ? "; …" : "."))
    {
        Errors = errors;
    }

    /// <summary>Gets every problem, in line order.</summary>
    public IReadOnlyList<BatchJobError> Errors { get; }
}
