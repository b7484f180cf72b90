-- bench/post_users.lua: wrk script that sends `POST /users` with a valid JSON body (201 expected).
-- Usage: wrk -t1 -c64 -d10s -s bench/post_users.lua http://127.0.0.1:PORT/users
-- The body passes every peer's rules (an e-mail, a username of 3..50 characters, a password of 8 or more),
-- so each answers 201 with the new user; wrk counts anything else as "Non-2xx or 3xx responses".

wrk.method = "POST"
wrk.body = '{"email":"alice@example.com","username":"alice","password":"correct-horse-battery"}'
wrk.headers["Content-Type"] = "application/json"
