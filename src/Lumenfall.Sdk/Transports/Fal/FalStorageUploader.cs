using System.Net.Http.Headers;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>Uploads to fal storage: initiate (JSON) on the storage API, then PUT the bytes to the returned URL.</summary>
internal sealed class FalStorageUploader(ServiceChannel channel, FalServiceOptions options) : IFalFileUploader
{
    public Task<Uri> UploadAsync(Stream content, string contentType, string fileName, CancellationToken cancellationToken) =>
        UploadAsync(content, contentType, fileName, null, cancellationToken);

    /// <summary>Uploads as part of a call: the initiate request (on fal's storage API) carries the call's settings; the PUT to the returned URL never carries a key or the call's headers.</summary>
    public async Task<Uri> UploadAsync(Stream content, string contentType, string fileName, RequestOptions? call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var initiate = new HttpRequestMessage(HttpMethod.Post, ServiceChannel.Url(options.StorageEndpoint, "storage/upload/initiate?storage_type=fal-cdn-v3"))
        {
            Content = JsonContent(new FalUploadInitiateRequest { ContentType = contentType, FileName = fileName }),
        };
        FalUploadInitiateResponse target = await channel.SendAsync(
            initiate,
            CallPurpose.Read,
            call,
            (response, _, token) => ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalUploadInitiateResponse, channel.MaxResponseBytes, token),
            cancellationToken).ConfigureAwait(false);
        Uri uploadUrl = ServerUrls.Require(target.UploadUrl, "upload_url", ImageService.Fal, options.ApiKey);
        Uri fileUrl = ServerUrls.Require(target.FileUrl, "file_url", ImageService.Fal, options.ApiKey);

        var body = new StreamContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = body };
        await channel.SendAsync(put, CallPurpose.Upload, call, (_, _, _) => Task.FromResult(true), cancellationToken, keyed: false).ConfigureAwait(false);
        return fileUrl;
    }

    private static ByteArrayContent JsonContent(FalUploadInitiateRequest request)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, SdkJsonContext.Default.FalUploadInitiateRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
