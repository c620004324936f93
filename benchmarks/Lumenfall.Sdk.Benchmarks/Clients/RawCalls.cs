using System.Net.Http.Headers;
using System.Text.Json;

namespace Lumenfall.Sdk.Benchmarks.Clients;

/// <summary>
/// What a careful user writes without any SDK: one <see cref="HttpClient"/> over a pooled
/// <see cref="SocketsHttpHandler"/>, JSON bodies from source-generated System.Text.Json, responses read with
/// <see cref="HttpCompletionOption.ResponseHeadersRead"/> and deserialized from the stream, base64 decoded by
/// System.Text.Json into a <see cref="byte"/> array, multipart from <see cref="MultipartFormDataContent"/>.
/// No validation, retries, timeouts or typed errors: the floor the SDK is measured against.
/// </summary>
internal sealed class RawCalls : IDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeHeaderValue PngContentType = new("image/png");

    private readonly HttpClient _http;
    private readonly Uri _generations;
    private readonly Uri _edits;
    private readonly Uri _falSubmit;
    private readonly AuthenticationHeaderValue _bearer = new("Bearer", Prompts.ApiKey);
    private readonly AuthenticationHeaderValue _falKey = new("Key", Prompts.ApiKey);

    public RawCalls(string server)
        : this(server, new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }))
    {
    }

    /// <summary>The same client over <paramref name="http"/> (for example one from <c>IHttpClientFactory</c>).</summary>
    public RawCalls(string server, HttpClient http)
    {
        _http = http;
        _generations = new Uri(server + "/openai/v1/images/generations");
        _edits = new Uri(server + "/openai/v1/images/edits");
        _falSubmit = new Uri(server + "/fal-queue/fal-ai/omnigen-v1");
    }

    public async Task<string> UrlAsync(CancellationToken cancellationToken = default)
    {
        RawImagesResponse body = await GenerateAsync(Prompts.Url, "url", cancellationToken);
        return body.Data![0].Url!;
    }

    public async Task<byte[]> Base64Async(string prompt, CancellationToken cancellationToken = default)
    {
        RawImagesResponse body = await GenerateAsync(prompt, "b64_json", cancellationToken);
        return body.Data![0].B64Json!;
    }

    /// <summary>Receives a base64 image and writes the decoded bytes to <paramref name="path"/>.</summary>
    public async Task<string> Base64ToFileAsync(string prompt, string path, CancellationToken cancellationToken = default)
    {
        byte[] image = await Base64Async(prompt, cancellationToken);
        await File.WriteAllBytesAsync(path, image, cancellationToken);
        return path;
    }

    public async Task<string> EditAsync(byte[] first, byte[] second, CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Prompts.Model), "\"model\"" },
            { new StringContent(Prompts.Edit), "\"prompt\"" },
            { Png(first), "\"image[]\"", "\"a.png\"" },
            { Png(second), "\"image[]\"", "\"b.png\"" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _edits) { Content = form };
        request.Headers.Authorization = _bearer;
        request.Headers.Accept.Add(Json);
        RawImagesResponse body = await SendAsync(request, RawJsonContext.Default.RawImagesResponse, cancellationToken);
        return body.Data![0].Url!;

        static ByteArrayContent Png(byte[] bytes)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = PngContentType;
            return content;
        }
    }

    /// <summary>Submit, then wait 1 ms and poll the status URL until COMPLETED, then fetch the result (as the SDK does).</summary>
    public async Task<string> FalAsync(CancellationToken cancellationToken = default)
    {
        RawFalStatus submitted;
        using (var submit = new HttpRequestMessage(HttpMethod.Post, _falSubmit))
        {
            submit.Content = JsonBody(JsonSerializer.SerializeToUtf8Bytes(new RawFalInput(Prompts.Fal), RawJsonContext.Default.RawFalInput));
            submit.Headers.Authorization = _falKey;
            submit.Headers.Accept.Add(Json);
            submitted = await SendAsync(submit, RawJsonContext.Default.RawFalStatus, cancellationToken);
        }

        string? status = submitted.Status;
        while (status != "COMPLETED")
        {
            if (status is not ("IN_QUEUE" or "IN_PROGRESS"))
            {
                throw new InvalidOperationException($"fal job {submitted.RequestId} ended as {status}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
            using var poll = new HttpRequestMessage(HttpMethod.Get, submitted.StatusUrl);
            poll.Headers.Authorization = _falKey;
            poll.Headers.Accept.Add(Json);
            status = (await SendAsync(poll, RawJsonContext.Default.RawFalStatus, cancellationToken)).Status;
        }

        using var result = new HttpRequestMessage(HttpMethod.Get, submitted.ResponseUrl);
        result.Headers.Authorization = _falKey;
        result.Headers.Accept.Add(Json);
        RawFalOutput output = await SendAsync(result, RawJsonContext.Default.RawFalOutput, cancellationToken);
        return output.Images![0].Url!;
    }

    public void Dispose() => _http.Dispose();

    private async Task<RawImagesResponse> GenerateAsync(string prompt, string format, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _generations)
        {
            Content = JsonBody(JsonSerializer.SerializeToUtf8Bytes(new RawGenerationRequest(Prompts.Model, prompt, format), RawJsonContext.Default.RawGenerationRequest)),
        };
        request.Headers.Authorization = _bearer;
        request.Headers.Accept.Add(Json);
        return await SendAsync(request, RawJsonContext.Default.RawImagesResponse, cancellationToken);
    }

    private static ByteArrayContent JsonBody(byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} from {request.Method} {request.RequestUri}: {text}", null, response.StatusCode);
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using (stream)
        {
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken)
                ?? throw new JsonException("The response body is JSON null.");
        }
    }
}
