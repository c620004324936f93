namespace Lumenfall.Sdk;

/// <summary>OmniRouters settings.</summary>
public sealed class OmniRoutersServiceOptions : ServiceOptions
{
    /// <summary>Creates OmniRouters settings with the default endpoint and a 5-second poll interval.</summary>
    internal OmniRoutersServiceOptions()
        : base(new Uri("https://omnirouters.com/v1"))
    {
        Polling.InitialInterval = TimeSpan.FromSeconds(5);
        Polling.MaxInterval = TimeSpan.FromSeconds(5);
        Polling.BackoffMultiplier = 1;
    }

    /// <summary>
    /// Gets or sets whether <see cref="ImageClient.GenerateAsync"/> creates an async task (<c>?async=true</c>) and
    /// polls it, instead of one synchronous call. <see cref="ImageClient.StartAsync"/> always creates a task.
    /// </summary>
    public bool UseAsyncTasks { get; set { ThrowIfFrozen(); field = value; } }

    /// <inheritdoc />
    internal override void CopyTo(ServiceOptions target)
    {
        base.CopyTo(target);
        ((OmniRoutersServiceOptions)target).UseAsyncTasks = UseAsyncTasks;
    }
}
