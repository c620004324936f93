namespace Lumenfall.Sdk;

/// <summary>
/// Settings for an <see cref="ImageClient"/>: one block per service (key, endpoint, timeouts, retries, polling),
/// downloads, telemetry and the clock. Bound from the <c>Lumenfall</c> configuration section and the environment by
/// <c>services.AddLumenfall(…)</c> and <see cref="ImageClient.FromEnvironment"/>.
/// </summary>
public sealed class LumenfallOptions
{
    /// <summary>Options come first in every use of the SDK: the process's warm-up of the first call (<see cref="Http.WarmUp"/>) starts here.</summary>
    static LumenfallOptions() => Http.WarmUp.Start();

    /// <summary>
    /// Reads keys and base URLs from environment variables (see <see cref="LumenfallEnvironment"/>:
    /// <c>LUMENFALL_API_KEY</c>, <c>FAL_KEY</c>, <c>OMNIROUTERS_API_KEY</c> and the <c>*_BASE_URL</c> overrides).
    /// </summary>
    /// <param name="variables">Reads a variable by name; null reads the process environment.</param>
    /// <returns>New options with defaults, then the environment's values.</returns>
    /// <exception cref="ArgumentException">A variable holds a value that is not usable; the message names it.</exception>
    public static LumenfallOptions FromEnvironment(Func<string, string?>? variables = null)
    {
        var options = new LumenfallOptions();
        LumenfallEnvironment.Apply(options, variables ?? Environment.GetEnvironmentVariable);
        return options;
    }

    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Lumenfall";

    /// <summary>Gets the Lumenfall gateway settings (default endpoint <c>https://api.lumenfall.ai/openai/v1</c>).</summary>
    public ServiceOptions Gateway { get; } = new(new Uri("https://api.lumenfall.ai/openai/v1"));

    /// <summary>Gets the fal.ai settings (default endpoints <c>https://fal.run</c> and <c>https://queue.fal.run</c>).</summary>
    public FalServiceOptions Fal { get; } = new();

    /// <summary>Gets the OmniRouters settings (default endpoint <c>https://omnirouters.com/v1</c>; polls every 5 seconds as the service recommends).</summary>
    public OmniRoutersServiceOptions OmniRouters { get; } = new();

    /// <summary>Gets or sets the clock used for every wait and timeout (replace it in tests).</summary>
    public TimeProvider TimeProvider { get; set { ThrowIfFrozen(); field = value; } } = TimeProvider.System;

    /// <summary>Gets or sets how long downloading one result image may take (default 5 minutes).</summary>
    public TimeSpan DownloadTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMinutes(5);

    /// <summary>Gets how downloads of result images are retried.</summary>
    public RetryOptions DownloadRetry { get; } = new();

    /// <summary>Gets or sets the largest response body the SDK reads, in bytes (default 256 MB).</summary>
    public long MaxResponseBytes { get; set { ThrowIfFrozen(); field = value; } } = 256L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how strictly requests are checked before they are sent (default <see cref="ValidationLevel.Strict"/>);
    /// a request's own <see cref="ImageRequest.Validation"/> wins. Relaxed rules are logged as warnings.
    /// </summary>
    public ValidationLevel Validation { get; set { ThrowIfFrozen(); field = value; } } = ValidationLevel.Strict;

    /// <summary>
    /// Gets or sets whether logs and traces may contain prompts (default false). Image bytes, base64, data URIs and
    /// API keys are never logged, whatever this says.
    /// </summary>
    public bool EnableSensitiveData { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// Checks the settings: absolute endpoints, <c>https</c> unless the host is a loopback address, timeouts that
    /// are positive and at most 24 days (or infinite), and sane retry and polling values. Every client checks them
    /// when it is built, so no setting fails after a billable request was sent.
    /// </summary>
    /// <returns>One message per problem, each naming the setting; empty when the settings are usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach ((string name, ServiceOptions service) in Services)
        {
            service.Validate($"{SectionName}:{name}", problems);
        }

        CheckTimeout($"{SectionName}:DownloadTimeout", DownloadTimeout, problems);
        if (!Enum.IsDefined(Validation))
        {
            problems.Add($"{SectionName}:Validation must be Strict, Lenient or None (was {Validation}).");
        }

        if (TimeProvider is null)
        {
            problems.Add($"{SectionName}:TimeProvider must not be null.");
        }

        if (MaxResponseBytes <= 0 || MaxResponseBytes > Array.MaxLength)
        {
            problems.Add($"{SectionName}:MaxResponseBytes must be positive and at most {Array.MaxLength:N0} (was {MaxResponseBytes}).");
        }

        DownloadRetry.Validate($"{SectionName}:DownloadRetry", problems);
        return problems;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join("; ", Services.Select(s => $"{s.Name}: {s.Options}"));

    /// <summary>The longest timeout or wait a setting may hold, other than <see cref="Timeout.InfiniteTimeSpan"/> (timers cannot go further).</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromDays(24);

    /// <summary>A timeout must be positive and at most <see cref="MaxWait"/>, or infinite.</summary>
    internal static void CheckTimeout(string name, TimeSpan timeout, List<string> problems)
    {
        if (timeout != Timeout.InfiniteTimeSpan && (timeout <= TimeSpan.Zero || timeout > MaxWait))
        {
            problems.Add($"{name} must be positive and at most {MaxWait}, or Timeout.InfiniteTimeSpan (was {timeout}).");
        }
    }

    internal IEnumerable<(string Name, ServiceOptions Options)> Services =>
        [(nameof(Gateway), Gateway), (nameof(Fal), Fal), (nameof(OmniRouters), OmniRouters)];

    /// <summary>Gets the settings of one service (<see cref="ImageService.Lumenfall"/>, the gateway: <see cref="Gateway"/>).</summary>
    /// <param name="service">The service.</param>
    /// <returns>Its settings.</returns>
    public ServiceOptions For(ImageService service) => service switch
    {
        ImageService.Lumenfall => Gateway,
        ImageService.Fal => Fal,
        ImageService.OmniRouters => OmniRouters,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown service."),
    };

    private bool _frozen;

    /// <summary>A deep copy, unfrozen (the client freezes its own).</summary>
    internal LumenfallOptions Clone()
    {
        var copy = new LumenfallOptions
        {
            TimeProvider = TimeProvider,
            DownloadTimeout = DownloadTimeout,
            MaxResponseBytes = MaxResponseBytes,
            Validation = Validation,
            EnableSensitiveData = EnableSensitiveData,
        };
        Gateway.CopyTo(copy.Gateway);
        Fal.CopyTo(copy.Fal);
        OmniRouters.CopyTo(copy.OmniRouters);
        DownloadRetry.CopyTo(copy.DownloadRetry);
        return copy;
    }

    /// <summary>Makes these options and every block in them read-only.</summary>
    internal LumenfallOptions Freeze()
    {
        _frozen = true;
        Gateway.Freeze();
        Fal.Freeze();
        OmniRouters.Freeze();
        DownloadRetry.Freeze();
        return this;
    }

    /// <summary>
    /// Gets whether these options are read-only: true for the copy a client holds (<see cref="ImageClient.Options"/>),
    /// whose setters, and those of every block in it, throw <see cref="InvalidOperationException"/>; false for options you create.
    /// </summary>
    public bool IsReadOnly => _frozen;

    private void ThrowIfFrozen() => FrozenOptions.ThrowIf(_frozen);
}
