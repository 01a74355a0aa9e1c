-- wrk request for the client credentials runs (flows.py, peers, scale): a client
-- credentials token request (RFC 6749 §4.4.2), the client authenticated with
-- HTTP Basic (§2.3.1). The same request for every server, formatted once by wrk.
-- Usage: wrk ... -s token_endpoint.lua http://127.0.0.1:PORT/PATH -- "Basic <base64 client_id:client_secret>"
-- (args[1] is the whole Authorization header value.)

function init(args)
   wrk.method = "POST"
   wrk.body = "grant_type=client_credentials"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["Authorization"] = args[1]
end
