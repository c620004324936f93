using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Images;
using OpenAIGeneratedImage = OpenAI.Images.GeneratedImage;
using OpenAIImageClient = OpenAI.Images.ImageClient;
using OpenAIRequestOptions = System.ClientModel.Primitives.RequestOptions;

namespace Lumenfall.Sdk.Benchmarks.Clients;

/// <summary>
/// OpenAI's own .NET client (<c>OpenAI.Images.ImageClient</c>, OpenAI 2.15.0) pointed at the same server. Its
/// convenience edit methods take one image (plus an optional mask), so the edit with two images goes through its
/// protocol method <c>GenerateImageEditsAsync(BinaryContent, contentType, RequestOptions)</c> with the same
/// multipart body the other clients send, and the reply is read into its <see cref="GeneratedImageCollection"/>.
/// </summary>
internal sealed class OpenAICalls
{
    private readonly OpenAIImageClient _client;

    public OpenAICalls(string server) =>
        _client = new OpenAIImageClient(Prompts.Model, new ApiKeyCredential(Prompts.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(server + "/openai/v1") });

    public async Task<Uri> UrlAsync(CancellationToken cancellationToken = default)
    {
        ClientResult<OpenAIGeneratedImage> result = await _client.GenerateImageAsync(
            Prompts.Url, new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Uri }, cancellationToken);
        return result.Value.ImageUri;
    }

    public async Task<BinaryData> Base64Async(string prompt, CancellationToken cancellationToken = default)
    {
        ClientResult<OpenAIGeneratedImage> result = await _client.GenerateImageAsync(
            prompt, new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes }, cancellationToken);
        return result.Value.ImageBytes;
    }

    /// <summary>Receives a base64 image and writes <see cref="OpenAIGeneratedImage.ImageBytes"/> to <paramref name="path"/>.</summary>
    public async Task<string> Base64ToFileAsync(string prompt, string path, CancellationToken cancellationToken = default)
    {
        BinaryData image = await Base64Async(prompt, cancellationToken);
        FileStream file = File.Create(path);
        await using (file)
        {
            await file.WriteAsync(image.ToMemory(), cancellationToken);
        }

        return path;
    }

    public async Task<Uri> EditAsync(byte[] first, byte[] second, CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Prompts.Model), "\"model\"" },
            { new StringContent(Prompts.Edit), "\"prompt\"" },
            { Png(first), "\"image[]\"", "\"a.png\"" },
            { Png(second), "\"image[]\"", "\"b.png\"" },
        };
        using var content = new MultipartBinaryContent(form);
        ClientResult result = await _client.GenerateImageEditsAsync(content, form.Headers.ContentType!.ToString(), new OpenAIRequestOptions { CancellationToken = cancellationToken });
        GeneratedImageCollection images = ModelReaderWriter.Read<GeneratedImageCollection>(result.GetRawResponse().Content)!;
        return images[0].ImageUri;

        static ByteArrayContent Png(byte[] bytes)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            return content;
        }
    }

    /// <summary>A multipart form as a <see cref="BinaryContent"/>: written straight to the request stream, not buffered.</summary>
    private sealed class MultipartBinaryContent(MultipartFormDataContent form) : BinaryContent
    {
        public override bool TryComputeLength(out long length)
        {
            long? known = form.Headers.ContentLength;
            length = known ?? 0;
            return known is not null;
        }

        public override void WriteTo(Stream stream, CancellationToken cancellationToken = default) =>
            form.CopyTo(stream, null, cancellationToken);

        public override Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default) =>
            form.CopyToAsync(stream, cancellationToken);

        public override void Dispose()
        {
        }
    }
}
