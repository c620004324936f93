using System.Text.Json.Nodes;

namespace Lumenfall.Sdk.Batch;

/// <summary>How an <see cref="ImageBatch"/> runs: where it journals and saves, how many jobs at once, what it may spend.</summary>
public sealed class BatchOptions
{
    /// <summary>Gets or sets the SQLite journal file (created if missing). A rerun with the same journal resumes the batch.</summary>
    public required string JournalPath { get; set; }

    /// <summary>Gets or sets the folder images are saved in (created if missing).</summary>
    public required string OutputFolder { get; set; }

    /// <summary>Gets or sets how many jobs run at once in all (default 4).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Gets how many jobs may run at once on one service (default: <see cref="Concurrency"/> for each).</summary>
    public IDictionary<ImageService, int> ConcurrencyPerService { get; } = new Dictionary<ImageService, int>();

    /// <summary>
    /// Gets or sets the most the batch may spend, in US dollars; null for no limit. Before each submit the job's cost is
    /// estimated (a gateway job by the gateway's free <c>?dryRun=true</c>, made only under a budget; fal.ai and OmniRouters
    /// jobs from <see cref="Prices"/>), and a job that would take the running total (actual costs where known, else
    /// estimates) past the budget is not sent: the batch stops there.
    /// </summary>
    public decimal? Budget { get; set; }

    /// <summary>Gets or sets how strictly each job's request is checked before the first is sent (default strict).</summary>
    public ValidationLevel Validation { get; set; } = ValidationLevel.Strict;

    /// <summary>
    /// Gets or sets whether a job whose synchronous call was in flight when an earlier run stopped (state
    /// <see cref="BatchJobState.Unknown"/>: it may have been billed) is sent again. Default false: it is reported, not resent.
    /// </summary>
    public bool ResubmitUnknown { get; set; }

    /// <summary>Gets or sets how many times a job refused with 429 is tried again after its lane's pause (default 5).</summary>
    public int MaxRateLimitRetries { get; set; } = 5;

    /// <summary>Gets the prices used to estimate fal.ai and OmniRouters jobs (the gateway's estimate comes from its free <c>?dryRun=true</c>).</summary>
    public BatchPrices Prices { get; } = BatchPrices.Published();

    /// <summary>Test hook: called after each journal write with the job and its new state; throwing from it stops the batch at once, as a crash would.</summary>
    internal Action<string, BatchJobState>? AfterJournalWrite { get; set; }

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(JournalPath))
        {
            problems.Add("JournalPath is required.");
        }

        if (string.IsNullOrWhiteSpace(OutputFolder))
        {
            problems.Add("OutputFolder is required.");
        }

        if (Concurrency is < 1 or > 256)
        {
            problems.Add($"Concurrency must be 1 to 256 (was {Concurrency}).");
        }

        foreach ((ImageService service, int limit) in ConcurrencyPerService)
        {
            if (limit is < 1 or > 256)
            {
                problems.Add($"ConcurrencyPerService[{service}] must be 1 to 256 (was {limit}).");
            }
        }

        if (Budget is < 0)
        {
            problems.Add($"Budget must not be negative (was {Budget}).");
        }

        if (MaxRateLimitRetries is < 0 or > 100)
        {
            problems.Add($"MaxRateLimitRetries must be 0 to 100 (was {MaxRateLimitRetries}).");
        }

        return problems;
    }
}

/// <summary>
/// Prices for estimating a job's cost before it is sent, in US dollars, by model id: per image, or per megapixel of
/// output. <see cref="Published"/> holds the prices the services publish; set your own to override them or to price a
/// model that has none.
/// </summary>
public sealed class BatchPrices
{
    private readonly Dictionary<string, (decimal Amount, bool PerMegapixel)> _prices = new(StringComparer.OrdinalIgnoreCase);

    private BatchPrices()
    {
    }

    /// <summary>
    /// The published prices: fal.ai's OmniGen v1 at $0.10 per megapixel. OmniRouters publishes no prices, so its models
    /// need one of yours when a budget is set. Gateway models are estimated by the gateway itself.
    /// </summary>
    /// <returns>A new table you may change.</returns>
    public static BatchPrices Published()
    {
        var prices = new BatchPrices();
        prices.SetPerMegapixel("fal-ai/omnigen-v1", 0.10m);
        return prices;
    }

    /// <summary>Sets a model's price per image.</summary>
    /// <param name="modelId">The model id, for example <c>omnirouters/Seedream:4.5</c>.</param>
    /// <param name="usd">Dollars per image.</param>
    public void SetPerImage(string modelId, decimal usd) => Set(modelId, usd, perMegapixel: false);

    /// <summary>Sets a model's price per megapixel of output.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="usd">Dollars per megapixel.</param>
    public void SetPerMegapixel(string modelId, decimal usd) => Set(modelId, usd, perMegapixel: true);

    /// <summary>Whether the table prices <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The model id (an OmniRouters model as <c>omnirouters/&lt;model&gt;</c>).</param>
    /// <returns>True when it has a price.</returns>
    public bool Contains(string modelId) => _prices.ContainsKey(Key(modelId));

    /// <summary>The id a request is priced by: <c>omnirouters/&lt;model&gt;</c> for Omni-Image, else the catalog id.</summary>
    internal static string PriceKey(ImageRequest request) =>
        request is OmniImageRequest omni ? ModelCatalog.OmniRoutersPrefix + omni.Model : Key(request.ModelId);

    private void Set(string modelId, decimal usd, bool perMegapixel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentOutOfRangeException.ThrowIfNegative(usd);
        _prices[Key(modelId)] = (usd, perMegapixel);
    }

    /// <summary>The catalog id for an alias (<c>omnigen-v1</c> → <c>fal-ai/omnigen-v1</c>), else the id as given.</summary>
    private static string Key(string modelId) => ModelCatalog.TryGet(modelId, out ModelDescriptor? model) ? model.Id : modelId;

    /// <summary>The estimated cost of <paramref name="request"/>, or null when the table has no price for its model.</summary>
    internal decimal? Estimate(ImageRequest request)
    {
        if (!_prices.TryGetValue(PriceKey(request), out (decimal Amount, bool PerMegapixel) price))
        {
            return null;
        }

        (int? count, int width, int height) = Shape(request);
        decimal each = price.PerMegapixel ? price.Amount * width * height / 1_000_000m : price.Amount;
        return each * (count ?? 1);
    }

    /// <summary>The number of images and their size, as far as the request says (fal's default size is square_hd, 1024×1024).</summary>
    private static (int? Count, int Width, int Height) Shape(ImageRequest request)
    {
        (int Width, int Height) size = (1024, 1024);
        int? count = null;
        switch (request)
        {
            case OmniGenV1Request omnigen:
                count = omnigen.ImageCount;
                size = omnigen.Size is ImageSize s ? Pixels(s) : size;
                break;
            case OmniImageRequest omni:
                count = omni.ImageCount;
                break;
            case FalAppRequest app:
                count = app.Input["num_images"] is JsonValue n && n.TryGetValue(out int images) ? images : null;
                break;
        }

        return (count, size.Width, size.Height);
    }

    private static (int Width, int Height) Pixels(ImageSize size) => size.Width is int w && size.Height is int h ? (w, h) : size.ToString() switch
    {
        "square" => (512, 512),
        "portrait_4_3" => (768, 1024),
        "portrait_16_9" => (576, 1024),
        "landscape_4_3" => (1024, 768),
        "landscape_16_9" => (1024, 576),
        _ => (1024, 1024),
    };
}
