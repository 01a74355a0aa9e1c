-- wrk request for bench/token_endpoint.py: a client credentials token request
-- (RFC 6749 §4.4.2), the client authenticated with HTTP Basic (§2.3.1).
-- Usage: wrk ... -s token_endpoint.lua http://127.0.0.1:PORT/oauth2/token -- <base64 client_id:client_secret>
-- (args[0] is the URL, args[1] the credentials.)

function init(args)
   wrk.method = "POST"
   wrk.body = "grant_type=client_credentials"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["Authorization"] = "Basic " .. args[1]
end
