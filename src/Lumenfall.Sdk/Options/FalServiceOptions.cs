namespace Lumenfall.Sdk;

/// <summary>fal.ai settings: the sync endpoint (<see cref="ServiceOptions.Endpoint"/>), the queue, storage, and how jobs are run and watched.</summary>
public sealed class FalServiceOptions : ServiceOptions
{
    /// <summary>Creates fal settings with the default endpoints.</summary>
    internal FalServiceOptions()
        : base(new Uri("https://fal.run"))
    {
    }

    /// <summary>Gets or sets the queue's base URL (default <c>https://queue.fal.run</c>).</summary>
    public Uri QueueEndpoint { get; set { ThrowIfFrozen(); field = value; } } = new("https://queue.fal.run");

    /// <summary>Gets or sets the storage API's base URL, used to upload local input images (default <c>https://rest.fal.ai</c>).</summary>
    public Uri StorageEndpoint { get; set { ThrowIfFrozen(); field = value; } } = new("https://rest.fal.ai");

    /// <summary>Gets or sets how requests run by default: through the queue (the default, with status, logs, cancel and resume) or synchronously.</summary>
    public FalExecutionMode Mode { get; set { ThrowIfFrozen(); field = value; } } = FalExecutionMode.Queue;

    /// <summary>Gets or sets whether to follow a queued job through fal's server-sent status stream instead of polling; if the stream drops, polling takes over.</summary>
    public bool UseStatusStream { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Gets or sets whether status requests ask for the job's logs (<c>logs=1</c>).</summary>
    public bool IncludeLogs { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Gets or sets what happens to local input images (files, streams, bytes): uploaded to fal storage (default) or inlined as data URIs.</summary>
    public FalLocalImages LocalImages { get; set { ThrowIfFrozen(); field = value; } } = FalLocalImages.Upload;

    /// <summary>Gets or sets the uploader for local input images; null uses fal storage (initiate, then PUT the bytes).</summary>
    public IFalFileUploader? Uploader { get; set { ThrowIfFrozen(); field = value; } }

    /// <inheritdoc />
    internal override IReadOnlyList<Uri> Endpoints => [Endpoint, QueueEndpoint, StorageEndpoint];

    /// <inheritdoc />
    private protected override IEnumerable<(string Name, Uri? Endpoint)> EndpointSettings =>
        [(nameof(Endpoint), Endpoint), (nameof(QueueEndpoint), QueueEndpoint), (nameof(StorageEndpoint), StorageEndpoint)];

    /// <inheritdoc />
    internal override void CopyTo(ServiceOptions target)
    {
        base.CopyTo(target);
        var fal = (FalServiceOptions)target;
        fal.QueueEndpoint = QueueEndpoint;
        fal.StorageEndpoint = StorageEndpoint;
        fal.Mode = Mode;
        fal.UseStatusStream = UseStatusStream;
        fal.IncludeLogs = IncludeLogs;
        fal.LocalImages = LocalImages;
        fal.Uploader = Uploader;
    }
}
