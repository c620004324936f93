namespace Lumenfall.Sdk.Benchmarks.Clients;

/// <summary>The SDK as its README shows it: one <see cref="ImageClient"/>, typed request records, the results it returns.</summary>
internal sealed class SdkCalls
{
    private readonly ImageClient _client;

    public SdkCalls(string server)
    {
        var options = new LumenfallOptions();
        options.Gateway.Endpoint = new Uri(server + "/openai/v1");
        options.Gateway.ApiKey = Prompts.ApiKey;
        options.Fal.Endpoint = new Uri(server + "/fal-run");
        options.Fal.QueueEndpoint = new Uri(server + "/fal-queue");
        options.Fal.StorageEndpoint = new Uri(server + "/fal-rest");
        options.Fal.ApiKey = Prompts.ApiKey;
        options.Fal.Polling.InitialInterval = TimeSpan.FromMilliseconds(1);   // the raw client waits 1 ms too
        options.Fal.Polling.MaxInterval = TimeSpan.FromMilliseconds(1);
        _client = new ImageClient(options);
    }

    public ImageClient Client => _client;

    public async Task<Uri> UrlAsync(CancellationToken cancellationToken = default)
    {
        ImageGenerationResult result = await _client.GenerateAsync(
            new GptImage2GenerationRequest(Prompts.Url) { ResponseFormat = ResponseFormat.Url }, cancellationToken: cancellationToken);
        return result.Images[0].Uri!;
    }

    /// <summary>The image bytes as the result carries them.</summary>
    public async Task<ReadOnlyMemory<byte>> Base64Async(string prompt, CancellationToken cancellationToken = default)
    {
        ImageGenerationResult result = await _client.GenerateAsync(
            new GptImage2GenerationRequest(prompt) { ResponseFormat = ResponseFormat.Base64Json }, cancellationToken: cancellationToken);
        return result.Images[0].Data!.Value;
    }

    /// <summary>Receives a base64 image and saves it with <see cref="GeneratedImage.SaveAsync(string, CancellationToken)"/>.</summary>
    public async Task<string> Base64ToFileAsync(string prompt, string path, CancellationToken cancellationToken = default)
    {
        ImageGenerationResult result = await _client.GenerateAsync(
            new GptImage2GenerationRequest(prompt) { ResponseFormat = ResponseFormat.Base64Json }, cancellationToken: cancellationToken);
        return await result.Images[0].SaveAsync(path, cancellationToken);
    }

    /// <summary>
    /// Receives a base64 image decoded from the response straight into a file (<see cref="RequestOptions.InlineImageFile"/>),
    /// then gives the file its name: the image is never held in memory.
    /// </summary>
    public async Task<string> Base64StreamedToFileAsync(string prompt, string path, CancellationToken cancellationToken = default)
    {
        ImageGenerationResult result = await _client.GenerateAsync(
            new GptImage2GenerationRequest(prompt) { ResponseFormat = ResponseFormat.Base64Json },
            new RequestOptions { InlineImageFile = _ => path + ".part" },
            cancellationToken);
        File.Move(result.Images[0].FilePath!, path, overwrite: true);
        return path;
    }

    public async Task<Uri> EditAsync(byte[] first, byte[] second, CancellationToken cancellationToken = default)
    {
        ImageGenerationResult result = await _client.GenerateAsync(
            new GptImage2EditRequest(Prompts.Edit, [ImageInput.FromBytes(first, "image/png", "a.png"), ImageInput.FromBytes(second, "image/png", "b.png")]),
            cancellationToken: cancellationToken);
        return result.Images[0].Uri!;
    }

    /// <summary>Submit, poll until completed, fetch the result: <see cref="ImageClient.GenerateAsync(ImageRequest, CancellationToken)"/> on a fal model.</summary>
    public async Task<Uri> FalAsync(CancellationToken cancellationToken = default)
    {
        ImageGenerationResult result = await _client.GenerateAsync(new OmniGenV1Request(Prompts.Fal), cancellationToken: cancellationToken);
        return result.Images[0].Uri!;
    }
}
