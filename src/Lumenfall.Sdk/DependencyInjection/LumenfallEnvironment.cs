namespace Lumenfall.Sdk;

/// <summary>
/// The environment variables the SDK reads: <c>LUMENFALL_API_KEY</c>, <c>FAL_KEY</c>, <c>OMNIROUTERS_API_KEY</c>, and
/// the base-URL overrides <c>LUMENFALL_BASE_URL</c>, <c>FAL_RUN_BASE_URL</c>, <c>FAL_QUEUE_BASE_URL</c>,
/// <c>FAL_STORAGE_BASE_URL</c>, <c>OMNIROUTERS_BASE_URL</c>.
/// </summary>
public static class LumenfallEnvironment
{
    /// <summary>The Lumenfall gateway key.</summary>
    public const string LumenfallApiKey = "LUMENFALL_API_KEY";

    /// <summary>The fal.ai key (<c>key_id:key_secret</c>).</summary>
    public const string FalKey = "FAL_KEY";

    /// <summary>The OmniRouters key.</summary>
    public const string OmniRoutersApiKey = "OMNIROUTERS_API_KEY";

    /// <summary>Overrides the Lumenfall gateway endpoint.</summary>
    public const string LumenfallBaseUrl = "LUMENFALL_BASE_URL";

    /// <summary>Overrides fal's sync endpoint.</summary>
    public const string FalRunBaseUrl = "FAL_RUN_BASE_URL";

    /// <summary>Overrides fal's queue endpoint.</summary>
    public const string FalQueueBaseUrl = "FAL_QUEUE_BASE_URL";

    /// <summary>Overrides fal's storage API endpoint (used to upload local input images).</summary>
    public const string FalStorageBaseUrl = "FAL_STORAGE_BASE_URL";

    /// <summary>Overrides the OmniRouters endpoint.</summary>
    public const string OmniRoutersBaseUrl = "OMNIROUTERS_BASE_URL";

    /// <summary>The variable holding a service's key.</summary>
    /// <param name="service">The service.</param>
    /// <returns>The variable's name.</returns>
    public static string KeyVariable(ImageService service) => service switch
    {
        ImageService.Fal => FalKey,
        ImageService.OmniRouters => OmniRoutersApiKey,
        _ => LumenfallApiKey,
    };

    /// <summary>
    /// Fills <paramref name="options"/> from environment variables. A variable is used only where
    /// <paramref name="isConfigured"/> says the setting was not given in configuration (configuration wins).
    /// </summary>
    /// <param name="options">The options to fill.</param>
    /// <param name="read">Reads a variable (tests pass their own).</param>
    /// <param name="isConfigured">Whether a configuration key such as <c>Fal:ApiKey</c> was set; null means none was.</param>
    /// <exception cref="ArgumentException">A base-URL variable is not an absolute URL; the message names it.</exception>
    internal static void Apply(LumenfallOptions options, Func<string, string?> read, Func<string, bool>? isConfigured = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(read);
        isConfigured ??= _ => false;

        Key(options.Gateway, "Gateway:ApiKey", LumenfallApiKey);
        Key(options.Fal, "Fal:ApiKey", FalKey);
        Key(options.OmniRouters, "OmniRouters:ApiKey", OmniRoutersApiKey);
        Url("Gateway:Endpoint", LumenfallBaseUrl, u => options.Gateway.Endpoint = u);
        Url("Fal:Endpoint", FalRunBaseUrl, u => options.Fal.Endpoint = u);
        Url("Fal:QueueEndpoint", FalQueueBaseUrl, u => options.Fal.QueueEndpoint = u);
        Url("Fal:StorageEndpoint", FalStorageBaseUrl, u => options.Fal.StorageEndpoint = u);
        Url("OmniRouters:Endpoint", OmniRoutersBaseUrl, u => options.OmniRouters.Endpoint = u);

        void Key(ServiceOptions service, string setting, string variable)
        {
            if (string.IsNullOrEmpty(service.ApiKey) && !isConfigured(setting) && read(variable) is { Length: > 0 } key)
            {
                service.ApiKey = key.Trim();
            }
        }

        void Url(string setting, string variable, Action<Uri> set)
        {
            if (isConfigured(setting) || read(variable) is not { Length: > 0 } text)
            {
                return;
            }

            set(Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri? url)
                ? url
                : throw new ArgumentException($"{variable} must be an absolute URL (was '{text}')."));
        }
    }
}
