using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk;
using Lumenfall.Sdk.Testing;

namespace Lumenfall.Cli;

/// <summary>
/// The <c>lumenfall</c> command. Exit codes: 0 success, 2 bad input, 3 service error (and any other failure), 4
/// timeout or canceled. Progress and notices go to stderr; with <c>--json</c>, stdout holds exactly one JSON object.
/// <see cref="RunAsync"/> never throws: every failure becomes one <c>error:</c> line on stderr and an exit code.
/// </summary>
internal sealed class CliApp(TextWriter output, TextWriter error, Func<string, string?> environment)
{
    public const int Ok = 0;
    public const int BadInput = 2;
    public const int ServiceError = 3;
    public const int TimedOut = 4;

    private const string Usage = """
        lumenfall generate --model <id> --prompt <text> [--image <path-or-url>]... [--mask <path>]
                           [--param name=value]... [--output <file-or-folder>] [--async] [--json]
                           [--validation strict|lenient|none]
        lumenfall models
        lumenfall schema <model>
        lumenfall operation status|wait|cancel <token>
        lumenfall emulator [--port N]
        Any command: --verbose shows the details of a failure (exception type, ids, inner errors, stack).

        Models: fal-ai/omnigen-v1 (omnigen-v1), omnigen-v2, gpt-image-2, flux.2-dev, omnirouters/<model>
                (for example omnirouters/Nano-Banana2); any other gateway id, or any fal app as
                fal-ai/<app>[/<path>] (for example fal-ai/flux/dev), is sent untyped.
        --param values that parse as JSON (5, true, {"a":1}) are sent as JSON, others as strings.
        Keys and endpoints: LUMENFALL_API_KEY, FAL_KEY, OMNIROUTERS_API_KEY, LUMENFALL_BASE_URL, FAL_RUN_BASE_URL,
        FAL_QUEUE_BASE_URL, OMNIROUTERS_BASE_URL. Without a key for the model's service, the built-in offline
        emulator answers instead (and says so).
        Exit codes: 0 success, 2 bad input, 3 service or other error, 4 timeout or canceled.
        """;

    private LumenfallEmulator? _emulator;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Read before parsing, so that even a usage error can be explained in detail.
        bool verbose = args.Contains("--verbose");
        int code;
        try
        {
            code = await RunCommandAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Every failure, ours or not, ends here: one error line and an exit code, never a stack trace (unless --verbose).
            code = CliErrors.Report(error, ex, verbose, cancellationToken.IsCancellationRequested);
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
            int failed = CliErrors.Report(error, ex, verbose, cancellationToken.IsCancellationRequested);
            code = code == Ok ? failed : code;
        }
        catch (Exception)
        {
            // The command already failed and said so in its one error line.
        }

        return code;
    }

    private async Task<int> RunCommandAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        CliArguments parsed = CliArguments.Parse(args);
        string? command = parsed.Positional.FirstOrDefault();
        if (command is null || parsed.Has("--help") || parsed.Has("-h"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            if (command is null && !parsed.Has("--help") && !parsed.Has("-h"))
            {
                throw new CliUsageException("No command given. Run lumenfall --help.");
            }

            return Ok;
        }

        return command switch
        {
            "generate" => await GenerateAsync(parsed, cancellationToken).ConfigureAwait(false),
            "models" => await ModelsAsync(parsed, cancellationToken).ConfigureAwait(false),
            "schema" => await SchemaAsync(parsed, cancellationToken).ConfigureAwait(false),
            "operation" => await OperationAsync(parsed, cancellationToken).ConfigureAwait(false),
            "emulator" => await EmulatorAsync(parsed, cancellationToken).ConfigureAwait(false),
            _ => throw new CliUsageException($"Unknown command '{command}'. Run lumenfall --help."),
        };
    }

    private async Task<int> GenerateAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.OnlyAllow("--model", "--prompt", "--image", "--mask", "--param", "--output", "--async", "--json", "--validation");
        ImageRequest request = RequestBuilder.Build(args.Required("--model"), args.Required("--prompt"), args.Values("--image"), args.Value("--mask"), args.Values("--param"));
        request.Validation = args.Value("--validation")?.ToUpperInvariant() switch
        {
            null or "STRICT" => ValidationLevel.Strict,
            "LENIENT" => ValidationLevel.Lenient,
            "NONE" => ValidationLevel.None,
            string other => throw new CliUsageException($"--validation must be strict, lenient or none (was '{other}')."),
        };
        foreach (ValidationError relaxed in request.Validate())
        {
            await error.WriteLineAsync($"warning: sending {relaxed.Parameter} as given: {CliErrors.OneLine(relaxed.Message)} (rule {relaxed.Rule}).").ConfigureAwait(false);
        }

        ImageClient client = await ClientForAsync(request.Service, cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        ImageGenerationResult result;
        string? operationId = null;
        if (args.Has("--async") || request.Service == ImageService.Fal)
        {
            ImageOperation operation = await client.StartAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            operationId = operation.HasCompleted ? null : operation.Id;
            if (operationId is not null)
            {
                await error.WriteLineAsync($"Submitted {operation.Id}. Resume with: lumenfall operation wait {operation.RehydrationToken}").ConfigureAwait(false);
            }

            result = await operation.WaitForCompletionAsync(new ProgressWriter(error), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await error.WriteLineAsync($"Generating with {request.ModelId} on {request.Service}…").ConfigureAwait(false);
            result = await client.GenerateAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        List<string> files = await SaveAsync(result, args.Value("--output"), cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync($"Done in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", files)}").ConfigureAwait(false);
        if (args.Has("--json"))
        {
            var json = new JsonObject
            {
                ["files"] = new JsonArray([.. files.Select(f => (JsonNode)f)]),
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
            await output.WriteLineAsync(json.ToJsonString()).ConfigureAwait(false);
        }
        else
        {
            foreach (string file in files)
            {
                await output.WriteLineAsync(file).ConfigureAwait(false);
            }
        }

        return Ok;
    }

    private async Task<int> ModelsAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.OnlyAllow();
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

    private async Task<int> SchemaAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.OnlyAllow();
        string model = args.Positional.ElementAtOrDefault(1) ?? throw new CliUsageException("schema needs a model id.");
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

    private async Task<int> OperationAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.OnlyAllow("--output", "--json");
        string action = args.Positional.ElementAtOrDefault(1) ?? throw new CliUsageException("operation needs status, wait or cancel.");
        string token = args.Positional.ElementAtOrDefault(2) ?? throw new CliUsageException("operation needs a rehydration token.");
        var options = Options();
        ImageOperation operation = new ImageClient(options).ResumeOperation(token);
        if (string.IsNullOrEmpty(options.For(operation.Service).ApiKey))
        {
            throw new CliUsageException($"Set {LumenfallEnvironment.KeyVariable(operation.Service)} to follow a {operation.Service} operation (the offline emulator does not keep jobs between processes).");
        }

        switch (action)
        {
            case "status":
                ImageOperationStatus status = await operation.UpdateStatusAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"{operation.Id}\t{status}{(operation.QueuePosition is int p ? $"\tposition {p}" : string.Empty)}").ConfigureAwait(false);
                return Ok;
            case "wait":
                ImageGenerationResult result = await operation.WaitForCompletionAsync(new ProgressWriter(error), cancellationToken).ConfigureAwait(false);
                foreach (string file in await SaveAsync(result, args.Value("--output"), cancellationToken).ConfigureAwait(false))
                {
                    await output.WriteLineAsync(file).ConfigureAwait(false);
                }

                return Ok;
            case "cancel":
                await output.WriteLineAsync((await operation.CancelAsync(cancellationToken).ConfigureAwait(false)).ToString()).ConfigureAwait(false);
                return Ok;
            default:
                throw new CliUsageException($"Unknown operation action '{action}': use status, wait or cancel.");
        }
    }

    private async Task<int> EmulatorAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.OnlyAllow("--port");
        int port = args.Value("--port") is string text ? int.TryParse(text, out int parsed) && parsed is >= 0 and <= 65535 ? parsed : throw new CliUsageException("--port must be 0-65535.") : 0;
        LumenfallEmulator emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { Port = port }, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Lumenfall emulator listening on {emulator.BaseAddress}").ConfigureAwait(false);
        foreach ((string name, string value) in emulator.EnvironmentVariables())
        {
            await output.WriteLineAsync($"export {name}={value}").ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
        await emulator.RunUntilStoppedAsync(cancellationToken).ConfigureAwait(false);
        return Ok;
    }

    private LumenfallOptions Options()
    {
        return LumenfallOptions.FromEnvironment(environment);
    }

    /// <summary>A client from the environment; when the service has no key, the built-in emulator answers for it.</summary>
    private async Task<ImageClient> ClientForAsync(ImageService service, CancellationToken cancellationToken)
    {
        LumenfallOptions options = Options();
        ServiceOptions settings = options.For(service);
        if (string.IsNullOrEmpty(settings.ApiKey))
        {
            _emulator = await LumenfallEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
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

    private static async Task<List<string>> SaveAsync(ImageGenerationResult result, string? output, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        for (int i = 0; i < result.Images.Count; i++)
        {
            string target = output is null || Directory.Exists(output)
                ? Path.Combine(output ?? ".", $"{Slug(result.ModelId)}-{Slug(result.RequestId ?? "image")[..Math.Min(12, Slug(result.RequestId ?? "image").Length)]}-{i + 1}")
                : i == 0 ? output : Path.Combine(Path.GetDirectoryName(output) ?? ".", $"{Path.GetFileNameWithoutExtension(output)}-{i + 1}{Path.GetExtension(output)}");
            files.Add(await result.Images[i].SaveAsync(target, cancellationToken).ConfigureAwait(false));
        }

        return files;
    }

    private static string Slug(string text) => string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '-'));

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
