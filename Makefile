# Used by `sam build` (BuildMethod: makefile): each function is built by Maven into its own
# deployment package (classes at the root, runtime jars in lib/) and unpacked where SAM wants it.
MVN ?= mvn -B -q

define build_function
	$(MVN) -f $(CURDIR)/pom.xml -pl functions/$(1) -am package -DskipTests
	unzip -q -o $(CURDIR)/functions/$(1)/target/keyrack-function-$(1)-*-lambda.zip -d $(ARTIFACTS_DIR)
endef

build-ApiFunction:
	$(call build_function,api)

build-ProgrammerFunction:
	$(call build_function,programmer)

build-ProviderWorkerFunction:
	$(call build_function,provider-worker)

# The reconciler ships in the programmer's package (same code, another handler).
build-ReconcilerFunction:
	$(call build_function,programmer)
