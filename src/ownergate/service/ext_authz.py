"""Envoy external authorisation over gRPC: ``envoy.service.auth.v3.Authorization/Check``.

The request's headers give the key (``authorization: Bearer`` or ``x-api-key``); the source
address Envoy reports is the peer, and an ``x-forwarded-for`` header is honoured only when that
peer is a trusted proxy, exactly as over HTTP. A denial carries the same HTTP status and JSON body
as ``/v1/check``, which Envoy returns to the client. Messages come from ``xds-protos``.
"""

from __future__ import annotations

import json
import time
from concurrent import futures
from typing import Any

import grpc
from envoy.config.core.v3 import base_pb2
from envoy.service.auth.v3 import external_auth_pb2, external_auth_pb2_grpc
from envoy.type.v3 import http_status_pb2
from google.rpc import code_pb2, status_pb2

from ownergate.service.gateway import answer, verdict_headers
from ownergate.service.state import ServiceState


class AuthorizationServicer(external_auth_pb2_grpc.AuthorizationServicer):  # type: ignore[misc]
    def __init__(self, service: ServiceState) -> None:
        self.service = service

    def Check(self, request: Any, context: Any) -> Any:
        started = time.perf_counter()
        service = self.service
        http = request.attributes.request.http
        headers = {
            k.lower().encode("latin-1", "replace"): v.encode("latin-1", "replace") for k, v in http.headers.items()
        }
        peer = request.attributes.source.address.socket_address.address or None
        verdict = answer(service.checker(), service.trusted, b"", headers, peer)
        response_headers = [
            base_pb2.HeaderValueOption(header=base_pb2.HeaderValue(key=k.decode(), value=v.decode("latin-1")))
            for k, v in verdict_headers(verdict, headers.get(b"x-request-id", b"-").decode("latin-1"))
            if k != b"content-type"
        ]
        if verdict.allow:
            response = external_auth_pb2.CheckResponse(
                status=status_pb2.Status(code=code_pb2.OK),
                ok_response=external_auth_pb2.OkHttpResponse(headers=response_headers),
            )
        else:
            response_headers.append(
                base_pb2.HeaderValueOption(header=base_pb2.HeaderValue(key="content-type", value="application/json"))
            )
            response = external_auth_pb2.CheckResponse(
                status=status_pb2.Status(code=code_pb2.PERMISSION_DENIED, message=verdict.decision),
                denied_response=external_auth_pb2.DeniedHttpResponse(
                    status=http_status_pb2.HttpStatus(code=verdict.status),
                    headers=response_headers,
                    body=json.dumps(verdict.as_dict()),
                ),
            )
        service.metrics.observe("grpc", verdict.decision, verdict.status, time.perf_counter() - started)
        return response


def start_grpc(service: ServiceState, host: str, port: int, threads: int = 8) -> grpc.Server:
    """Start the gRPC server in background threads; returns it (call ``stop(grace)`` to end it)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ownergate-grpc"))
    external_auth_pb2_grpc.add_AuthorizationServicer_to_server(AuthorizationServicer(service), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        from ownergate.errors import ConfigError

        raise ConfigError(f"cannot bind the gRPC port {host}:{port}")
    server.start()
    return server
