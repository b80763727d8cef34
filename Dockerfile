# rcfge in a container: built from this repository by `make build` (the Go module proxy is the only
# download), run from a distroless static image as a non-root user.
#   docker build -t rcfge --build-arg VERSION=$(git describe --tags --always) .
#   docker run --rm -v "$PWD:/work" rcfge validate --account 111122223333 --region eu-west-1 stacks/
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
# make build links statically (CGO_ENABLED=0): distroless/static has no libc.
RUN make build VERSION="${VERSION}"

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/rcfge /usr/local/bin/rcfge
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/rcfge"]
CMD ["--help"]
