using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk;
using Lumenfall.Sdk.Batch;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Cli;

/// <summary>
/// The <c>lumenfall</c> command, parsed with System.CommandLine. Exit codes: 0 success, 2 bad input, 3 service or
/// other error, 4 timeout or canceled, 130 and 143 interrupted by SIGINT and SIGTERM. Progress and notices go to
/// stderr; with <c>--json</c>, stdout holds exactly one JSON object. <see cref="RunAsync"/> never throws: every
/// failure becomes one <c>error:</c> line on stderr (more only with <c>--verbose</c>) and an exit code.
/// </summary>
internal sealed class CliApp(TextWriter output, TextWriter error, Func<string, string?> environment, CliInterruption? interruption = null)
{
    public const int Ok = 0;
    public const int BadInput = 2;
    public const int ServiceError = 3;
    public const int TimedOut = 4;
    public const int OverBudget = 5;

    private const string About = """
        Generate and edit images through the Lumenfall gateway, fal.ai and OmniRouters.

        Models: fal-ai/omnigen-v1 (omnigen-v1), omnigen-v2, gpt-image-2, flux.2-dev, omnirouters/<model> (for example
        omnirouters/Nano-Banana2); any other gateway id, or any fal app as fal-ai/<app>[/<path>], is sent untyped.

        Environment variables:
          LUMENFALL_API_KEY, FAL_KEY, OMNIROUTERS_API_KEY  the services' keys. A service without one is answered by the
                                                           built-in offline emulator, which says so (images are synthetic).
          LUMENFALL_BASE_URL, FAL_RUN_BASE_URL, FAL_QUEUE_BASE_URL, FAL_STORAGE_BASE_URL, OMNIROUTERS_BASE_URL
                                                           the services' endpoints (for example those 'lumenfall emulator' prints).

        Exit codes: 0 success, 2 bad input, 3 service or other error, 4 timeout or canceled, 5 a batch stopped at its
        budget, 130 interrupted (SIGINT), 143 stopped (SIGTERM).
        """;

    private static readonly Option<bool> Verbose = new("--verbose") { Description = "On a failure, show the details: exception type, ids, inner errors, stack.", Recursive = true };

    private static readonly Option<bool> Json = new("--json") { Description = "Write one JSON object to stdout (files, model, service, ids, seed, cost) instead of the file names." };

    private static readonly Option<string> OutputPath = new("--output", "-o") { Description = "A file, or a folder for service-named files (default: the current folder). Checked before anything is billed.", HelpName = "file-or-folder" };

    private static readonly Option<bool> Overwrite = new("--overwrite") { Description = "Replace an existing file at --output." };

    private LumenfallEmulator? _emulator;

    /// <summary>Gets whether a job this run started can be resumed by a later run (not when the built-in emulator, which ends with this run, answered).</summary>
    private bool CanResume => _emulator is null;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        ParseResult parsed = Commands().Parse(args);
        bool verbose = args.Contains("--verbose");
        if (parsed.Errors.Count > 0)
        {
            return CliErrors.ReportUsage(error, parsed);
        }

        int code;
        try
        {
            var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            code = await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Every failure, ours or not, ends here: one error line and an exit code, never a stack trace (unless --verbose).
            code = CliErrors.Report(error, ex, verbose, cancellationToken.IsCancellationRequested, interruption?.Signal, CanResume);
        }

        try
        {
            if (_emulator is not null)
            {
                await _emulator.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (code == Ok || verbose)
        {
            // Stopping the built-in emulator failed: an error of its own after a success; after a failure, only a detail.
            int failed = CliErrors.Report(error, ex, verbose, cancellationToken.IsCancellationRequested, interruption?.Signal, CanResume);
            code = code == Ok ? failed : code;
        }
        catch (Exception)
        {
            // The command already failed and said so in its one error line.
        }

        return code;
    }

    private RootCommand Commands()
    {
        var model = new Option<string>("--model", "-m") { Description = "The model id (see 'lumenfall models').", Required = true };
        var prompt = new Option<string>("--prompt", "-p") { Description = "What to generate, or how to edit the input images.", Required = true };
        var images = new Option<string[]>("--image", "-i") { Description = "An input image: a file, or an http(s) or data: URL. Repeat for several; with images, a model that edits edits.", HelpName = "path-or-url" };
        var mask = new Option<string>("--mask") { Description = "A mask image for an edit (a file or URL).", HelpName = "path-or-url" };
        var parameters = new Option<string[]>("--param") { Description = "A model parameter by its wire name, for example size=1024x768 or n=2. Values that read as JSON (5, true, {\"a\":1}) are sent as JSON, others as text. Repeat for several; see 'lumenfall schema <model>'.", HelpName = "name=value" };
        var validation = new Option<string>("--validation") { Description = "How strictly the request is checked before it is sent: strict refuses any broken rule; lenient sends values outside the documented ranges and lists; none sends everything it can.", DefaultValueFactory = _ => "strict" };
        validation.AcceptOnlyFromAmong("strict", "lenient", "none");
        var startAsync = new Option<bool>("--async") { Description = "Start the job and follow it as an operation that can be resumed with 'lumenfall operation wait' (an OmniRouters task; fal models always run on fal's queue; the gateway answers in one call either way)." };

        var generate = new Command("generate", "Generate or edit an image and save it.") { model, prompt, images, mask, parameters, OutputPath, Overwrite, startAsync, Json, validation };
        generate.SetAction((parse, cancellationToken) => GenerateAsync(
            parse.GetRequiredValue(model), parse.GetRequiredValue(prompt), parse.GetValue(images) ?? [], parse.GetValue(mask), parse.GetValue(parameters) ?? [],
            parse.GetValue(validation)!, parse.GetValue(startAsync), OutputFiles.Prepare(parse.GetValue(OutputPath), parse.GetValue(Overwrite)), parse.GetValue(Json), cancellationToken));

        var models = new Command("models", "List the models: the gateway's (from the service) and those of fal.ai and OmniRouters the SDK types.");
        models.SetAction((_, cancellationToken) => ModelsAsync(cancellationToken));

        var schemaModel = new Argument<string>("model") { Description = "The model id." };
        var schema = new Command("schema", "Print a model's JSON Schema: every parameter with its wire name, type and rules.") { schemaModel };
        schema.SetAction((parse, cancellationToken) => SchemaAsync(parse.GetRequiredValue(schemaModel), cancellationToken));

        var operation = new Command("operation", "Follow a job started earlier, by the token 'generate' printed ('Resume with: ...').");
        foreach ((string name, string description) in new[]
        {
            ("status", "Print the job's status once."),
            ("wait", "Wait for the job to finish and save its images."),
            ("cancel", "Ask the service to cancel the job."),
        })
        {
            var token = new Argument<string>("token") { Description = "The operation's rehydration token (lmfop1.…)." };
            var action = new Command(name, description) { token };
            if (name == "wait")
            {
                action.Options.Add(OutputPath);
                action.Options.Add(Overwrite);
                action.Options.Add(Json);
            }

            action.SetAction((parse, cancellationToken) => OperationAsync(
                name, parse.GetRequiredValue(token), name == "wait" ? OutputFiles.Prepare(parse.GetValue(OutputPath), parse.GetValue(Overwrite)) : null, parse.GetValue(Json), cancellationToken));
            operation.Subcommands.Add(action);
        }

        var port = new Option<int>("--port") { Description = "The port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 0 };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port takes 0 to 65535.");
            }
        });
        var queuedPolls = new Option<int>("--queued-polls") { Description = "How many status polls a fal job or OmniRouters task stays queued (default 2).", DefaultValueFactory = _ => 2 };
        var runningPolls = new Option<int>("--running-polls") { Description = "How many status polls it then stays running (default 2).", DefaultValueFactory = _ => 2 };
        var emulator = new Command("emulator", "Run the offline emulator of all three services until stopped (Ctrl+C or SIGTERM). It keeps its jobs while it runs, so 'operation wait' works against it from another shell.") { port, queuedPolls, runningPolls };
        emulator.SetAction((parse, cancellationToken) => EmulatorAsync(
            new EmulatorOptions { Port = parse.GetValue(port), QueuedPolls = Math.Max(0, parse.GetValue(queuedPolls)), RunningPolls = Math.Max(0, parse.GetValue(runningPolls)) }, cancellationToken));

        var jobsFile = new Argument<string>("jobs") { Description = "A JSON Lines file, one job a line: {\"id\": \"sku-1\", \"model\": \"flux.2-dev\", \"prompt\": \"...\"} with optional params (wire names and values), images (paths, relative to the file, or URLs) and output (a file name)." };
        var outFolder = new Option<string>("--out") { Description = "The folder the images are saved in.", Required = true, HelpName = "folder" };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs at once, in all and on each service (default 4).", DefaultValueFactory = _ => 4 };
        var budget = new Option<decimal?>("--budget") { Description = "Stop before the spend would pass this many US dollars (each job is estimated before it is sent).", HelpName = "USD" };
        var journal = new Option<string>("--journal") { Description = "The SQLite journal (default: batch-journal.db in --out). Run the same command again to resume.", HelpName = "file" };
        var resubmit = new Option<bool>("--resubmit-unknown") { Description = "Send again the jobs whose synchronous call was in flight when an earlier run stopped (they may have been billed)." };
        var lanes = new Option<string[]>("--service-concurrency") { Description = "Jobs at once on one service, below --concurrency: lumenfall=N, fal=N or omnirouters=N.", HelpName = "service=N" };
        var prices = new Option<string[]>("--price") { Description = "A model's price per image, for estimates (overrides the published price; OmniRouters publishes none).", HelpName = "model=USD" };
        var batchValidation = new Option<string>("--validation") { Description = "How strictly each job is checked: strict, lenient or none.", DefaultValueFactory = _ => "strict" };
        batchValidation.AcceptOnlyFromAmong("strict", "lenient", "none");
        var batch = new Command("batch", "Run many jobs from a JSON Lines file: journaled so a rerun resumes without billing twice, within a budget, images streamed to disk. Exit codes: 0 all saved, 3 some not, 5 stopped at the budget.")
        {
            jobsFile, outFolder, concurrency, lanes, budget, journal, resubmit, prices, batchValidation, Json,
        };
        batch.SetAction((parse, cancellationToken) => BatchAsync(
            parse.GetRequiredValue(jobsFile),
            new BatchOptions
            {
                OutputFolder = parse.GetRequiredValue(outFolder),
                JournalPath = parse.GetValue(journal) ?? Path.Combine(parse.GetRequiredValue(outFolder), "batch-journal.db"),
                Concurrency = parse.GetValue(concurrency),
                Budget = parse.GetValue(budget),
                ResubmitUnknown = parse.GetValue(resubmit),
                Validation = Level(parse.GetValue(batchValidation)!),
            },
            parse.GetValue(prices) ?? [],
            parse.GetValue(lanes) ?? [],
            parse.GetValue(Json),
            cancellationToken));

        var root = new RootCommand(About) { generate, models, schema, operation, emulator, batch };
        root.Options.Add(Verbose);
        return root;
    }

    private async Task<int> GenerateAsync(
        string model, string prompt, string[] images, string? mask, string[] parameters, string validation, bool startAsync, OutputFiles files, bool json, CancellationToken cancellationToken)
    {
        ImageRequest request = RequestBuilder.Build(model, prompt, images, mask, parameters);
        request.Validation = Level(validation);
        foreach (ValidationError relaxed in request.Validate())
        {
            await error.WriteLineAsync($"warning: sending {relaxed.ParameterName} as given: {CliErrors.OneLine(relaxed.Message)} (rule {relaxed.Rule}).").ConfigureAwait(false);
        }

        ImageClient client = await ClientForAsync(request.Service, cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        ImageGenerationResult result;
        string? operationId = null;
        if (startAsync || request.Service == ImageService.Fal)
        {
            ImageOperation operation = await client.StartAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            operationId = operation.HasCompleted ? null : operation.Id;
            if (operationId is not null)
            {
                await error.WriteLineAsync(CanResume
                    ? $"Submitted {operation.Id}. Resume with: lumenfall operation wait {operation.RehydrationToken}"
                    : $"Submitted {operation.Id} to the built-in emulator.").ConfigureAwait(false);
            }

            result = await operation.WaitForCompletionAsync(new ProgressWriter(error), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await error.WriteLineAsync($"Generating with {request.ModelId} on {request.Service}…").ConfigureAwait(false);
            result = await client.GenerateAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<string> saved = await SaveAsync(result, files, operationId, json, cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync($"Done in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", saved)}").ConfigureAwait(false);
        return Ok;
    }

    /// <summary>Saves every image (a failed save leaves the bytes in a temp file the error names), then prints the files or the JSON.</summary>
    private async Task<IReadOnlyList<string>> SaveAsync(ImageGenerationResult result, OutputFiles files, string? operationId, bool json, CancellationToken cancellationToken)
    {
        // Paid for: the save finishes even if a signal arrives now.
        (IReadOnlyList<string> saved, IReadOnlyList<string> failures) = await files.SaveAsync(result).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            if (!json)
            {
                foreach (string file in saved)
                {
                    await output.WriteLineAsync(file).ConfigureAwait(false);
                }
            }

            throw new CliSaveException(string.Join("; ", failures) + (saved.Count > 0 ? $"; saved: {string.Join(", ", saved)}" : string.Empty));
        }

        if (json)
        {
            var document = new JsonObject
            {
                ["files"] = new JsonArray([.. saved.Select(f => (JsonNode)f)]),
                ["model"] = result.ModelId,
                ["service"] = result.Service.ToString(),
                ["request_id"] = result.RequestId,
                ["operation_id"] = operationId,
                ["seed"] = result.Seed,
                ["revised_prompt"] = result.Images.Select(i => i.RevisedPrompt).FirstOrDefault(p => p is not null),
                ["cost"] = result.Cost,
                ["currency"] = result.CostCurrency,
                ["emulated"] = _emulator is not null,
            };
            await output.WriteLineAsync(document.ToJsonString()).ConfigureAwait(false);
        }
        else
        {
            foreach (string file in saved)
            {
                await output.WriteLineAsync(file).ConfigureAwait(false);
            }
        }

        return saved;
    }

    private async Task<int> ModelsAsync(CancellationToken cancellationToken)
    {
        ImageClient client = await ClientForAsync(ImageService.Lumenfall, cancellationToken).ConfigureAwait(false);
        foreach (ServiceModel model in await client.ListModelsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await output.WriteLineAsync($"{model.Id}\tlumenfall\t{model.Name}").ConfigureAwait(false);
        }

        foreach (ModelDescriptor model in ModelCatalog.All.Where(m => m.Service != ImageService.Lumenfall))
        {
            string id = model.Service == ImageService.OmniRouters ? RequestBuilder.OmniRoutersPrefix + "<model>" : model.Id;
            await output.WriteLineAsync($"{id}\t{model.Service.ToString().ToLowerInvariant()}\t{model.DisplayName}").ConfigureAwait(false);
        }

        return Ok;
    }

    private async Task<int> SchemaAsync(string model, CancellationToken cancellationToken)
    {
        if (ModelCatalog.TryGet(model, out ModelDescriptor? descriptor) && descriptor.Service != ImageService.Lumenfall)
        {
            using var reader = new StreamReader(descriptor.OpenSchema());
            await output.WriteLineAsync(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            return Ok;
        }

        ImageClient client = await ClientForAsync(ImageService.Lumenfall, cancellationToken).ConfigureAwait(false);
        using JsonDocument schema = await client.GetModelSchemaAsync(model, cancellationToken: cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(JsonSerializer.Serialize(schema.RootElement, CliJson.Default.JsonElement)).ConfigureAwait(false);
        return Ok;
    }

    private async Task<int> OperationAsync(string action, string token, OutputFiles? files, bool json, CancellationToken cancellationToken)
    {
        LumenfallOptions options = LumenfallOptions.FromEnvironment(environment);
        ImageOperation operation = new ImageClient(options).ResumeOperation(token);
        if (string.IsNullOrEmpty(options.For(operation.Service).ApiKey))
        {
            throw new CliUsageException(
                $"operation {action} needs {LumenfallEnvironment.KeyVariable(operation.Service)}: the built-in emulator keeps no jobs after the command that started them (a 'lumenfall emulator' server does while it runs: export the variables it prints).");
        }

        switch (action)
        {
            case "status":
                ImageOperationStatus status = await operation.UpdateStatusAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"{operation.Id}\t{status}{(operation.QueuePosition is int p ? $"\tposition {p}" : string.Empty)}").ConfigureAwait(false);
                return Ok;
            case "wait":
                ImageGenerationResult result = await operation.WaitForCompletionAsync(new ProgressWriter(error), cancellationToken).ConfigureAwait(false);
                await SaveAsync(result, files!, operation.Id, json, cancellationToken).ConfigureAwait(false);
                return Ok;
            default:
                await output.WriteLineAsync((await operation.CancelAsync(cancellationToken).ConfigureAwait(false)).ToString()).ConfigureAwait(false);
                return Ok;
        }
    }

    private async Task<int> EmulatorAsync(EmulatorOptions options, CancellationToken cancellationToken)
    {
        LumenfallEmulator emulator = await LumenfallEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Lumenfall emulator listening on {emulator.BaseAddress}").ConfigureAwait(false);
        foreach ((string name, string value) in emulator.EnvironmentVariables())
        {
            await output.WriteLineAsync($"export {name}={value}").ConfigureAwait(false);
        }

        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);   // a signal from here on stops the server: it is what it waits for
        await error.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
        await emulator.RunUntilStoppedAsync(cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync($"Emulator stopped{(interruption?.Signal is { } signal ? $" ({CliInterruption.Name(signal)})" : string.Empty)}.").ConfigureAwait(false);
        return Ok;   // stopping is how a server's work ends
    }

    private static ValidationLevel Level(string validation) => validation switch
    {
        "lenient" => ValidationLevel.Lenient,
        "none" => ValidationLevel.None,
        _ => ValidationLevel.Strict,
    };

    private async Task<int> BatchAsync(string jobsFile, BatchOptions options, string[] prices, string[] lanes, bool json, CancellationToken cancellationToken)
    {
        foreach (string lane in lanes)
        {
            int equals = lane.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !Enum.TryParse(lane[..equals], ignoreCase: true, out ImageService service) || !Enum.IsDefined(service)
                || !int.TryParse(lane[(equals + 1)..], out int limit) || limit is < 1 or > 256)
            {
                throw new CliUsageException($"--service-concurrency needs lumenfall=N, fal=N or omnirouters=N with N from 1 to 256 (was '{lane}').");
            }

            options.ConcurrencyPerService[service] = limit;
        }

        OutputFiles.Prepare(options.OutputFolder.TrimEnd('/', '\\') + Path.DirectorySeparatorChar, overwrite: false);   // --out: a folder that can be written
        IReadOnlyList<BatchJob> jobs;
        try
        {
            using StreamReader reader = File.OpenText(jobsFile);
            string folder = Path.GetDirectoryName(Path.GetFullPath(jobsFile))!;
            jobs = [.. BatchJob.ReadJsonLines(reader).Select(j => j with
            {
                Images = [.. j.Images.Select(i => i.Contains("://", StringComparison.Ordinal) || i.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? i : Path.GetFullPath(i, folder))],
            })];
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliUsageException($"no such jobs file: {jobsFile}");
        }
        catch (BatchValidationException ex)
        {
            return await ReportBadJobsAsync(ex).ConfigureAwait(false);
        }

        foreach (string price in prices)
        {
            int equals = price.LastIndexOf('=');
            if (equals <= 0 || !decimal.TryParse(price[(equals + 1)..], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out decimal usd) || usd < 0)
            {
                throw new CliUsageException($"--price needs model=USD, for example omnirouters/Seedream:4.5=0.04 (was '{price}').");
            }

            options.Prices.SetPerImage(price[..equals], usd);
        }

        var services = jobs.Select(j => ModelCatalog.TryGet(j.ModelId, out ModelDescriptor? m) ? m.Service
            : j.ModelId.StartsWith(ModelCatalog.FalPrefix, StringComparison.OrdinalIgnoreCase) ? ImageService.Fal
            : j.ModelId.StartsWith(ModelCatalog.OmniRoutersPrefix, StringComparison.OrdinalIgnoreCase) ? ImageService.OmniRouters
            : ImageService.Lumenfall).Distinct().ToList();
        ImageClient client = await ClientForAsync(services, cancellationToken).ConfigureAwait(false);
        var display = new BatchProgress(error);
        BatchSummary summary;
        try
        {
            summary = await new ImageBatch(client, options).RunAsync(jobs, display, cancellationToken).ConfigureAwait(false);
        }
        catch (BatchValidationException ex)
        {
            return await ReportBadJobsAsync(ex).ConfigureAwait(false);
        }

        await BatchProgress.WriteSummaryAsync(output, summary, options.JournalPath, json, CanResume).ConfigureAwait(false);
        return summary.StoppedAtBudget ? OverBudget : summary.AllSaved ? Ok : ServiceError;
    }

    /// <summary>Lists every bad job, one line each, and says nothing was sent (exit code 2).</summary>
    private async Task<int> ReportBadJobsAsync(BatchValidationException ex)
    {
        foreach (BatchJobError problem in ex.Errors)
        {
            await error.WriteLineAsync($"error: {CliErrors.OneLine(CliErrors.SpeakCli(problem.ToString()))}").ConfigureAwait(false);
        }

        await error.WriteLineAsync($"error: {ex.Errors.Count} job problem(s); nothing was sent.").ConfigureAwait(false);
        return BadInput;
    }

    /// <summary>A client from the environment; when the service has no key, the built-in emulator answers for it.</summary>
    private Task<ImageClient> ClientForAsync(ImageService service, CancellationToken cancellationToken) => ClientForAsync([service], cancellationToken);

    /// <summary>A client from the environment; the services among <paramref name="services"/> without a key are answered by the built-in emulator.</summary>
    private async Task<ImageClient> ClientForAsync(IReadOnlyList<ImageService> services, CancellationToken cancellationToken)
    {
        LumenfallOptions options = LumenfallOptions.FromEnvironment(environment);
        foreach (ImageService service in services.Where(s => string.IsNullOrEmpty(options.For(s).ApiKey)))
        {
            ServiceOptions settings = options.For(service);
            _emulator ??= await LumenfallEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var emulated = new LumenfallOptions();
            _emulator.Configure(emulated);
            settings.ApiKey = LumenfallEmulator.ApiKey;
            settings.Endpoint = emulated.For(service).Endpoint;
            if (service == ImageService.Fal)
            {
                options.Fal.QueueEndpoint = emulated.Fal.QueueEndpoint;
                options.Fal.StorageEndpoint = emulated.Fal.StorageEndpoint;
            }

            // The emulator answers at once; poll it briskly rather than at the real services' pace.
            settings.Polling.InitialInterval = TimeSpan.FromMilliseconds(100);
            settings.Polling.MaxInterval = TimeSpan.FromMilliseconds(250);

            await error.WriteLineAsync($"No {LumenfallEnvironment.KeyVariable(service)} is set: using the built-in offline emulator at {_emulator.BaseAddress} (images are synthetic).").ConfigureAwait(false);
        }

        return new ImageClient(options);
    }

    /// <summary>Shows status, queue position, elapsed time and new log lines on stderr.</summary>
    private sealed class ProgressWriter(TextWriter error) : IProgress<OperationUpdate>
    {
        public void Report(OperationUpdate value)
        {
            string position = value.QueuePosition is int p ? $", position {p}" : string.Empty;
            error.WriteLine($"[{value.Elapsed.TotalSeconds,6:F1}s] {value.Status}{position}");
            foreach (OperationLog log in value.NewLogs)
            {
                error.WriteLine($"          {CliErrors.OneLine(log.Message)}");
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class CliJson : System.Text.Json.Serialization.JsonSerializerContext
{
}
