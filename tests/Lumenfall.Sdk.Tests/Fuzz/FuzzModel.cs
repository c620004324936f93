using System.Globalization;
using System.Net;
using System.Text;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>What one fuzz case drives through the public API.</summary>
internal enum FuzzPath
{
    LumenfallGenerate,
    LumenfallEdit,
    ListModels,
    GetModel,
    GetModelSchema,
    EstimateCost,
    FalSync,
    FalQueue,
    FalStatusStream,
    FalCancel,
    FalUpload,
    OmniRoutersSync,
    OmniRoutersAsync,
}

/// <summary>The service family a path belongs to (one test per family).</summary>
internal enum FuzzFamily
{
    Lumenfall,
    Fal,
    OmniRouters,
}

/// <summary>One endpoint the SDK calls along a path; the fuzz handler answers each request by its step.</summary>
internal enum Step
{
    LumenfallGenerate,
    LumenfallEdit,
    Models,
    Model,
    ModelSchema,
    Cost,
    FalSync,
    UploadInitiate,
    UploadPut,
    FalSubmit,
    FalStatus,
    FalStatusStream,
    FalResult,
    FalCancel,
    OmniSync,
    OmniSubmit,
    OmniTask,
    Download,
    Unknown,
}

/// <summary>What the case does with the first image of a result.</summary>
internal enum DownloadMode
{
    None,
    OpenRead,
    SaveToFolder,
}

/// <summary>How a response body ends.</summary>
internal enum BodyEnd
{
    /// <summary>All bytes, then end of stream.</summary>
    Normal,

    /// <summary><see cref="ReplySpec.CutAt"/> bytes, then <see cref="IOException"/> (connection reset).</summary>
    ResetIOException,

    /// <summary><see cref="ReplySpec.CutAt"/> bytes, then <see cref="HttpIOException"/> (response ended).</summary>
    ResetHttpIOException,

    /// <summary>Fewer bytes than the declared Content-Length, then a clean end of stream.</summary>
    ShortOfDeclaredClean,

    /// <summary>Fewer bytes than the declared Content-Length, then <see cref="HttpIOException"/> as SocketsHttpHandler throws.</summary>
    ShortOfDeclaredHttpIOException,

    /// <summary><see cref="ReplySpec.CutAt"/> bytes, then reads wait until their token is canceled.</summary>
    NeverEnds,

    /// <summary><see cref="ReplySpec.CutAt"/> bytes, then <see cref="InvalidDataException"/>, as a decompressing handler throws on a corrupt body.</summary>
    UndecodableInvalidData,
}

/// <summary>What the handler throws instead of answering.</summary>
internal enum FaultKind
{
    HttpRequest,
    TimeoutCanceled,
    IO,
    /// <summary>The connection closed before the headers: HttpRequestException(ResponseEnded) around an HttpIOException, as SocketsHttpHandler throws.</summary>
    HttpIO,
    PlainCanceled,
    NeverAnswers,
}

/// <summary>Where a redirect points.</summary>
internal enum LocationKind
{
    None,
    Self,
    Literal,
}

/// <summary>
/// One response the fuzz handler gives (or the fault it throws): everything needed to build a fresh
/// <see cref="HttpResponseMessage"/> for each request, and to describe it readably.
/// </summary>
internal sealed class ReplySpec
{
    public required string Kind { get; init; }

    public bool Hostile { get; init; }

    public int Status { get; init; } = 200;

    public string? Reason { get; init; }

    public List<(string Name, string Value)> Headers { get; } = [];

    public List<(string Name, string Value)> ContentHeaders { get; } = [];

    public byte[] Body { get; set; } = [];

    public BodyEnd End { get; set; } = BodyEnd.Normal;

    public int CutAt { get; set; }

    public long? DeclaredLength { get; set; }

    /// <summary>Bytes per read (0: as many as asked).</summary>
    public int ChunkSize { get; set; }

    public LocationKind Location { get; init; }

    public string? LocationText { get; init; }

    public FaultKind? Fault { get; init; }

    public HttpRequestError FaultError { get; init; }

    public string? FaultMessage { get; init; }

    /// <summary>Absolute URLs this reply hands out, with the step a request to them belongs to.</summary>
    public List<(string Url, Step Step)> Mentions { get; } = [];

    public string Describe(int bodyChars = 300)
    {
        var text = new StringBuilder();
        text.Append(Kind).Append(" | ");
        if (Fault is FaultKind fault)
        {
            text.Append("handler throws ").Append(fault);
            if (fault == FaultKind.HttpRequest)
            {
                text.Append('(').Append(FaultError).Append(')');
            }

            if (FaultMessage is not null)
            {
                text.Append(": ").Append(Preview(FaultMessage, 120));
            }

            return text.ToString();
        }

        text.Append("status ").Append(Status.ToString(CultureInfo.InvariantCulture));
        if (Enum.IsDefined((HttpStatusCode)Status))
        {
            text.Append(' ').Append((HttpStatusCode)Status);
        }

        if (Reason is not null)
        {
            text.Append(" reason \"").Append(Preview(Reason, 80)).Append('"');
        }

        if (Location != LocationKind.None)
        {
            text.Append("; Location: ").Append(Location == LocationKind.Self ? "(the request's own URL)" : "\"" + Preview(LocationText ?? string.Empty, 120) + "\"");
        }

        foreach ((string name, string value) in Headers.Concat(ContentHeaders))
        {
            text.Append("; ").Append(name).Append(": ").Append(Preview(value, 80));
        }

        text.Append("; body ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes");
        switch (End)
        {
            case BodyEnd.ResetIOException:
                text.Append(", IOException after ").Append(Math.Min(CutAt, Body.Length).ToString(CultureInfo.InvariantCulture)).Append(" bytes");
                break;
            case BodyEnd.ResetHttpIOException:
                text.Append(", HttpIOException after ").Append(Math.Min(CutAt, Body.Length).ToString(CultureInfo.InvariantCulture)).Append(" bytes");
                break;
            case BodyEnd.ShortOfDeclaredClean:
                text.Append(", Content-Length ").Append(DeclaredLength?.ToString(CultureInfo.InvariantCulture)).Append(" declared, clean end");
                break;
            case BodyEnd.ShortOfDeclaredHttpIOException:
                text.Append(", Content-Length ").Append(DeclaredLength?.ToString(CultureInfo.InvariantCulture)).Append(" declared, HttpIOException at the end");
                break;
            case BodyEnd.UndecodableInvalidData:
                text.Append(", InvalidDataException after ").Append(Math.Min(CutAt, Body.Length).ToString(CultureInfo.InvariantCulture)).Append(" bytes");
                break;
            case BodyEnd.NeverEnds:
                text.Append(", never ends after ").Append(Math.Min(CutAt, Body.Length).ToString(CultureInfo.InvariantCulture)).Append(" bytes");
                break;
            default:
                if (DeclaredLength is long declared)
                {
                    text.Append(", Content-Length ").Append(declared.ToString(CultureInfo.InvariantCulture));
                }

                break;
        }

        if (ChunkSize > 0)
        {
            text.Append(", read ").Append(ChunkSize.ToString(CultureInfo.InvariantCulture)).Append(" byte(s) at a time");
        }

        if (Body.Length > 0)
        {
            text.Append(": ").Append(Preview(Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, bodyChars * 4)), bodyChars));
        }

        return text.ToString();
    }

    /// <summary>A printable excerpt: control characters, lone surrogates and invalid bytes made visible.</summary>
    public static string Preview(string text, int max)
    {
        var preview = new StringBuilder();
        foreach (char c in text)
        {
            if (preview.Length >= max)
            {
                preview.Append("…(").Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(" chars)");
                break;
            }

            preview.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '\t' => "\\t",
                '\0' => "\\0",
                '\uFFFD' => "\\uFFFD",
                _ when char.IsSurrogate(c) || char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return preview.ToString();
    }
}

/// <summary>The randomized client settings of a case.</summary>
internal sealed record FuzzSettings
{
    public int MaxRetries { get; init; }

    public int DownloadRetries { get; init; }

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan GenerationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public long MaxResponseBytes { get; init; } = 256L * 1024 * 1024;

    public bool IncludeLogs { get; init; }

    public LumenfallOptions CreateOptions(TimeProvider time, FuzzPath path)
    {
        var options = new LumenfallOptions { TimeProvider = time, DownloadTimeout = DownloadTimeout, MaxResponseBytes = MaxResponseBytes };
        options.Gateway.ApiKey = FuzzKeys.Lumenfall;
        options.Fal.ApiKey = FuzzKeys.Fal;
        options.OmniRouters.ApiKey = FuzzKeys.OmniRouters;
        foreach ((_, ServiceOptions service) in options.Services)
        {
            service.Retry.MaxRetries = MaxRetries;
            service.Retry.BaseDelay = BaseDelay;
            service.Retry.MaxDelay = MaxDelay;
            service.Retry.MaxRetryAfter = MaxRetryAfter;
            service.GenerationTimeout = GenerationTimeout;
            service.RequestTimeout = RequestTimeout;
            service.Polling.OperationTimeout = OperationTimeout;
        }

        options.DownloadRetry.MaxRetries = DownloadRetries;
        options.DownloadRetry.BaseDelay = BaseDelay;
        options.DownloadRetry.MaxDelay = MaxDelay;
        options.DownloadRetry.MaxRetryAfter = MaxRetryAfter;
        options.Fal.IncludeLogs = IncludeLogs;
        options.Fal.Mode = path == FuzzPath.FalSync ? FalExecutionMode.Sync : FalExecutionMode.Queue;
        options.Fal.UseStatusStream = path == FuzzPath.FalStatusStream;
        options.Fal.LocalImages = FalLocalImages.Upload;
        options.OmniRouters.UseAsyncTasks = path == FuzzPath.OmniRoutersAsync;
        return options;
    }

    /// <summary>The most fake time a case may take before it counts as a hang: every timeout it can meet, plus a margin.</summary>
    public TimeSpan Bound(HostileCase fuzzCase)
    {
        TimeSpan bound = TimeSpan.FromMinutes(5);
        foreach (Step step in fuzzCase.Steps)
        {
            bound += step switch
            {
                Step.FalSubmit or Step.FalSync or Step.OmniSync or Step.OmniSubmit or Step.LumenfallGenerate or Step.LumenfallEdit or Step.UploadPut => GenerationTimeout,
                Step.FalStatus or Step.FalStatusStream or Step.OmniTask => OperationTimeout,
                Step.Download => DownloadTimeout,
                _ => RequestTimeout,
            };
        }

        return bound;
    }

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture,
            $"retries {MaxRetries} (downloads {DownloadRetries}), backoff {BaseDelay}..{MaxDelay}, max Retry-After {MaxRetryAfter}, timeouts generation {GenerationTimeout} request {RequestTimeout} download {DownloadTimeout} operation {OperationTimeout}, max body {MaxResponseBytes:N0} B{(IncludeLogs ? ", fal logs" : string.Empty)}");
}

/// <summary>The fake API keys; each must never show up in an exception.</summary>
internal static class FuzzKeys
{
    public const string Lumenfall = "fz-key-lumenfall-0123456789abcdef";
    public const string Fal = "fz-key-fal-0123456789abcdef:fedcba9876543210";
    public const string OmniRouters = "fz-key-omnirouters-0123456789abcdef";

    public static readonly string[] All = [Lumenfall, Fal, OmniRouters];

    public static string For(FuzzPath path) => path switch
    {
        FuzzPath.FalSync or FuzzPath.FalQueue or FuzzPath.FalStatusStream or FuzzPath.FalCancel or FuzzPath.FalUpload => Fal,
        FuzzPath.OmniRoutersSync or FuzzPath.OmniRoutersAsync => OmniRouters,
        _ => Lumenfall,
    };
}

/// <summary>One generated case: the path, its steps, which step is hostile and how, and the settings.</summary>
internal sealed class HostileCase
{
    public required int Seed { get; init; }

    public required FuzzPath Path { get; init; }

    public required IReadOnlyList<Step> Steps { get; init; }

    /// <summary>The step answered with <see cref="Hostile"/>; null for a control case where every answer is valid.</summary>
    public Step? Target { get; init; }

    /// <summary>How many requests to the target step get the hostile reply before valid ones follow (int.MaxValue: all).</summary>
    public int HostileTimes { get; init; }

    public ReplySpec? Hostile { get; init; }

    public required FuzzSettings Settings { get; init; }

    public bool UploadLocalImage { get; init; }

    public DownloadMode Download { get; init; }

    /// <summary>When the caller's token is canceled, in fake time after the start (null: never).</summary>
    public TimeSpan? CancelAfter { get; init; }

    /// <summary>Valid non-terminal status replies before the terminal one.</summary>
    public int StatusPolls { get; init; }

    /// <summary>Whether valid image results carry a URL (else inline base64).</summary>
    public bool ImagesAsUrl { get; init; }

    public string OperationId => Path is FuzzPath.OmniRoutersSync or FuzzPath.OmniRoutersAsync
        ? $"task_fz{Seed.ToString("x8", CultureInfo.InvariantCulture)}"
        : $"fz-req-{Seed.ToString("x8", CultureInfo.InvariantCulture)}";

    public FuzzFamily Family => HostileResponses.FamilyOf(Path);

    public string TargetName => Target?.ToString() ?? "(control: all valid)";

    public string PersistName => HostileTimes == int.MaxValue ? "every time" : HostileTimes == 1 ? "once" : $"{HostileTimes} times";

    public string Describe() =>
        $"seed {Seed}: path {Path} [{string.Join(" → ", Steps)}], hostile step {TargetName}"
        + (Target is null ? string.Empty : $" ({PersistName})")
        + (UploadLocalImage ? ", local input image uploaded" : string.Empty)
        + (Download == DownloadMode.None ? string.Empty : $", then {Download} of images[0]")
        + (CancelAfter is TimeSpan cancel ? $", caller cancels at +{cancel}" : string.Empty)
        + (Steps.Any(s => s is Step.FalStatus or Step.FalStatusStream or Step.OmniTask) ? $", {StatusPolls} valid non-terminal status(es) before the terminal one" : string.Empty)
        + Environment.NewLine + "  settings: " + Settings.Describe()
        + (Hostile is null ? string.Empty : Environment.NewLine + "  hostile reply: " + Hostile.Describe());
}
