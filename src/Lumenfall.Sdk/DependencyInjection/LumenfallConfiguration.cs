using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Lumenfall.Sdk;

/// <summary>
/// Reads <see cref="LumenfallOptions"/> from a configuration section by name, without reflection (AOT safe). Keys
/// follow the option names, for example <c>Fal:ApiKey</c>, <c>Fal:Polling:MaxInterval</c>, <c>Gateway:Retry:MaxRetries</c>.
/// A value that cannot be read fails with a message naming its key.
/// </summary>
internal static class LumenfallConfiguration
{
    /// <summary>Copies every setting present in <paramref name="section"/> onto <paramref name="options"/>.</summary>
    /// <param name="section">The <c>Lumenfall</c> section.</param>
    /// <param name="options">The options to fill.</param>
    /// <exception cref="FormatException">A value cannot be read; the message names the key.</exception>
    public static void Bind(IConfiguration section, LumenfallOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);

        foreach ((string name, ServiceOptions service) in options.Services)
        {
            BindService(section.GetSection(name), service);
        }

        FalServiceOptions fal = options.Fal;
        IConfiguration falSection = section.GetSection(nameof(LumenfallOptions.Fal));
        Read(falSection, nameof(fal.QueueEndpoint), ParseUrl, v => fal.QueueEndpoint = v);
        Read(falSection, nameof(fal.StorageEndpoint), ParseUrl, v => fal.StorageEndpoint = v);
        Read(falSection, nameof(fal.Mode), ParseEnum<FalExecutionMode>, v => fal.Mode = v);
        Read(falSection, nameof(fal.UseStatusStream), bool.Parse, v => fal.UseStatusStream = v);
        Read(falSection, nameof(fal.IncludeLogs), bool.Parse, v => fal.IncludeLogs = v);
        Read(falSection, nameof(fal.LocalImages), ParseEnum<FalLocalImages>, v => fal.LocalImages = v);
        Read(section.GetSection(nameof(LumenfallOptions.OmniRouters)), nameof(OmniRoutersServiceOptions.UseAsyncTasks), bool.Parse, v => options.OmniRouters.UseAsyncTasks = v);

        Read(section, nameof(options.DownloadTimeout), ParseTime, v => options.DownloadTimeout = v);
        Read(section, nameof(options.MaxResponseBytes), s => long.Parse(s, CultureInfo.InvariantCulture), v => options.MaxResponseBytes = v);
        Read(section, nameof(options.EnableSensitiveData), bool.Parse, v => options.EnableSensitiveData = v);
        BindRetry(section.GetSection(nameof(options.DownloadRetry)), options.DownloadRetry);
    }

    private static void BindService(IConfigurationSection section, ServiceOptions service)
    {
        Read(section, nameof(service.ApiKey), s => s, v => service.ApiKey = v);
        Read(section, nameof(service.Endpoint), ParseUrl, v => service.Endpoint = v);
        Read(section, nameof(service.GenerationTimeout), ParseTime, v => service.GenerationTimeout = v);
        Read(section, nameof(service.RequestTimeout), ParseTime, v => service.RequestTimeout = v);

        IConfigurationSection polling = section.GetSection(nameof(service.Polling));
        Read(polling, nameof(PollingOptions.InitialInterval), ParseTime, v => service.Polling.InitialInterval = v);
        Read(polling, nameof(PollingOptions.MaxInterval), ParseTime, v => service.Polling.MaxInterval = v);
        Read(polling, nameof(PollingOptions.BackoffMultiplier), s => double.Parse(s, CultureInfo.InvariantCulture), v => service.Polling.BackoffMultiplier = v);
        Read(polling, nameof(PollingOptions.OperationTimeout), ParseTime, v => service.Polling.OperationTimeout = v);
        BindRetry(section.GetSection(nameof(service.Retry)), service.Retry);
    }

    private static void BindRetry(IConfiguration section, RetryOptions retry)
    {
        Read(section, nameof(retry.MaxRetries), s => int.Parse(s, CultureInfo.InvariantCulture), v => retry.MaxRetries = v);
        Read(section, nameof(retry.BaseDelay), ParseTime, v => retry.BaseDelay = v);
        Read(section, nameof(retry.MaxDelay), ParseTime, v => retry.MaxDelay = v);
        Read(section, nameof(retry.MaxRetryAfter), ParseTime, v => retry.MaxRetryAfter = v);
    }

    private static void Read<T>(IConfiguration section, string key, Func<string, T> parse, Action<T> set)
    {
        string? text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        try
        {
            set(parse(text.Trim()));
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            string path = section is IConfigurationSection named ? $"{named.Path}:{key}" : key;
            throw new FormatException($"The setting {path} has a value that cannot be read: '{text}'. {ex.Message}", ex);
        }
    }

    /// <summary><c>00:10:00</c>, or a number of seconds (<c>600</c>), or <c>Infinite</c>.</summary>
    private static TimeSpan ParseTime(string text) =>
        string.Equals(text, "Infinite", StringComparison.OrdinalIgnoreCase) ? Timeout.InfiniteTimeSpan
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) ? TimeSpan.FromSeconds(seconds)
        : TimeSpan.Parse(text, CultureInfo.InvariantCulture);

    private static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? url) ? url : throw new FormatException("It must be an absolute URL.");

    private static T ParseEnum<T>(string text)
        where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out T value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"It must be one of {string.Join(", ", Enum.GetNames<T>())}.");
}
